"""A tenant's view of a running access-svc: tokens, and the calls tests make often."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from switchboard_access.service_layer.channels import handle_channel_snapshot
from switchboard_contracts.enums import ChannelStatus, OrgRole
from switchboard_platform.auth.signing import TokenSigner
from switchboard_testing.builders import channel_snapshot

if TYPE_CHECKING:
    from switchboard_access.adapters.unit_of_work import UnitOfWork


@dataclass
class Tenant:
    """One organization: its admin, and helpers that call the API as someone of it."""

    client: httpx.AsyncClient
    signer: TokenSigner
    unit_of_work: Callable[[], "UnitOfWork"]
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    admin_id: uuid.UUID = field(default_factory=uuid.uuid4)

    # tokens ---------------------------------------------------------------------------------
    def as_admin(self) -> dict[str, str]:
        return self.as_user(self.admin_id, OrgRole.ADMIN)

    def as_user(
        self, user_id: uuid.UUID | str, role: OrgRole | str = OrgRole.AGENT
    ) -> dict[str, str]:
        token = self.signer.user_token(
            org_id=self.id, user_id=uuid.UUID(str(user_id)), org_role=OrgRole(role)
        )
        return {"authorization": f"Bearer {token}"}

    def as_service(self, service: str = "conversation-svc") -> dict[str, str]:
        token = self.signer.service_token(org_id=self.id, service=service)
        return {"authorization": f"Bearer {token}"}

    # setup ----------------------------------------------------------------------------------
    async def bootstrap(self) -> None:
        """The organization's first admin on record, created by an admin the identity
        provider vouches for (the only thing such an admin may do); the tenant acts as it."""
        response = await self.client.post(
            "/v1/users",
            json={
                "email": f"admin-{uuid.uuid4().hex[:8]}@example.com",
                "display_name": "Admin",
                "org_role": "admin",
            },
            headers=self.as_admin(),
        )
        assert response.status_code == 201, response.text
        self.admin_id = uuid.UUID(response.json()["id"])

    async def user(self, *, role: str = "agent", name: str = "Agent") -> str:
        email = f"{uuid.uuid4().hex[:10]}@example.com"
        response = await self.client.post(
            "/v1/users",
            json={"email": email, "display_name": name, "org_role": role},
            headers=self.as_admin(),
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    async def team(self, name: str | None = None, members: tuple[str, ...] = ()) -> str:
        response = await self.client.post(
            "/v1/teams",
            json={"name": name or f"team-{uuid.uuid4().hex[:8]}"},
            headers=self.as_admin(),
        )
        assert response.status_code == 201, response.text
        team_id = str(response.json()["id"])
        for user_id in members:
            added = await self.client.post(
                f"/v1/teams/{team_id}/members", json={"user_id": user_id}, headers=self.as_admin()
            )
            assert added.status_code == 201, added.text
        return team_id

    async def channel(
        self,
        *,
        channel_id: str | None = None,
        status: ChannelStatus = ChannelStatus.CONNECTED,
        revision: int = 1,
    ) -> str:
        """A channel of this organization, as channel-svc would announce it."""
        snapshot = channel_snapshot(
            org_id=self.id,
            channel_id=uuid.UUID(channel_id) if channel_id else None,
            status=status,
            revision=revision,
        )
        await handle_channel_snapshot(self.unit_of_work(), snapshot)
        return str(snapshot.payload.channel_id)

    async def grant(self, channel_id: str, path: str, role: str) -> httpx.Response:
        """PUT a grant: `path` is e.g. `users/<id>`, `teams/<id>`, `all-users`."""
        return await self.client.put(
            f"/v1/channels/{channel_id}/access/{path}", json={"role": role}, headers=self.as_admin()
        )

    async def check(
        self, user_id: str, channel_id: str, action: str, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        return await self.client.post(
            "/v1/check",
            json={"user_id": user_id, "channel_id": channel_id, "action": action},
            headers=headers or self.as_service(),
        )

    async def decision(self, user_id: str, channel_id: str, action: str = "read") -> dict[str, Any]:
        response = await self.check(user_id, channel_id, action)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body
