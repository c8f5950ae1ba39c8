"""Shared by conversation-svc's integration tests: a migrated database, a fake access-svc,
a clock the test moves."""

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from switchboard_contracts.enums import ChannelAction, ChannelRole, OrgRole
from switchboard_conversation import __main__ as cli
from switchboard_conversation.adapters.access import UNKNOWN, Decision
from switchboard_platform.auth.standing import Standing

MIGRATIONS = Path(cli.__file__).parent / "migrations"


class MovableClock:
    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


class FakeAccess:
    """access-svc's decisions from a table the test sets: {(user, channel): role}, with
    the roles each action needs from the one table access-svc decides by."""

    def __init__(self) -> None:
        self.roles: dict[tuple[uuid.UUID, uuid.UUID], ChannelRole] = {}
        self.forgotten: list[uuid.UUID] = []
        self.calls = 0
        # What access-svc holds of a user; a user not in here is an active agent.
        self.standings: dict[uuid.UUID, Standing | None] = {}

    async def standing(self, org_id: uuid.UUID, user_id: uuid.UUID, bearer: str) -> Standing | None:
        del org_id, bearer
        return self.standings.get(user_id, Standing(user_id, OrgRole.AGENT, active=True))

    async def check(
        self,
        *,
        org_id: uuid.UUID,
        user_id: uuid.UUID,
        channel_id: uuid.UUID,
        action: ChannelAction,
        bearer: str | None = None,
        fresh: bool = False,
    ) -> Decision:
        del org_id, bearer, fresh
        self.calls += 1
        role = self.roles.get((user_id, channel_id))
        required = action.minimum_role
        if role is None:
            return Decision(allowed=False, verdict="no_access", role=None, required_role=required)
        allowed = role.allows(action)
        return Decision(
            allowed=allowed,
            verdict="allowed" if allowed else "role_too_low",
            role=role,
            required_role=required,
        )

    async def channels_of(
        self, *, org_id: uuid.UUID, user_id: uuid.UUID, bearer: str
    ) -> list[tuple[uuid.UUID, ChannelRole]]:
        del org_id, bearer
        return [(c, r) for (u, c), r in self.roles.items() if u == user_id]

    def forget(self, org_id: uuid.UUID) -> None:
        self.forgotten.append(org_id)

    async def aclose(self) -> None:
        return None


__all__ = ["UNKNOWN", "FakeAccess", "MovableClock"]
