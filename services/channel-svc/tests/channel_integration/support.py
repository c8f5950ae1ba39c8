"""Shared by channel-svc's tests: an organization's tokens, a fake access-svc."""

import base64
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from switchboard_channel.adapters.access import AccessibleChannel
from switchboard_contracts.enums import ChannelRole, OrgRole
from switchboard_platform.auth.signing import TokenSigner, generate_signing_key
from switchboard_platform.auth.standing import Standing

ISSUER = "https://id.switchboard.test"
AUDIENCE = "switchboard"
SIGNER = TokenSigner(generate_signing_key(), issuer=ISSUER, audience=AUDIENCE)


@dataclass
class Org:
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    admin_id: uuid.UUID = field(default_factory=uuid.uuid4)

    def admin(self) -> dict[str, str]:
        return self.user(self.admin_id, OrgRole.ADMIN)

    def user(
        self, user_id: uuid.UUID | None = None, role: OrgRole = OrgRole.AGENT
    ) -> dict[str, str]:
        token = SIGNER.user_token(org_id=self.id, user_id=user_id or uuid.uuid4(), org_role=role)
        return {"authorization": f"Bearer {token}"}


class FakeAccess:
    """access-svc's answers, set by the test; records the tokens it was called with."""

    def __init__(self) -> None:
        self.grants: dict[uuid.UUID, dict[uuid.UUID, ChannelRole]] = {}
        self.tokens: list[str] = []
        self.closed = False
        # What access-svc holds of a user; a user not in here stands as the token says.
        self.standings: dict[uuid.UUID, Standing | None] = {}
        self.forgotten: list[uuid.UUID] = []

    async def standing(self, org_id: uuid.UUID, user_id: uuid.UUID, bearer: str) -> Standing | None:
        del org_id
        if user_id in self.standings:
            return self.standings[user_id]
        claims = json.loads(base64.urlsafe_b64decode(bearer.split(".")[1] + "=="))
        return Standing(user_id, OrgRole(claims["org_role"]), active=True)

    def forget(self, org_id: uuid.UUID) -> None:
        self.forgotten.append(org_id)

    async def channels_of(self, user_id: uuid.UUID, bearer: str) -> list[AccessibleChannel]:
        self.tokens.append(bearer)
        return [AccessibleChannel(c, r) for c, r in self.grants.get(user_id, {}).items()]

    async def channel_access(self, channel_id: uuid.UUID, bearer: str) -> dict[str, Any] | None:
        self.tokens.append(bearer)
        return {
            "channel_id": str(channel_id),
            "all_users": None,
            "all_teams": None,
            "users": [],
            "teams": [],
        }

    async def aclose(self) -> None:
        self.closed = True
