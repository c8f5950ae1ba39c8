"""access-svc as channel-svc needs it: the caller's current standing (before every
request, cached under a second: `switchboard_platform.auth.standing`), which channels a
user may access (the selector), and a channel's grants for the admin's channel detail.
The caller's own bearer token is forwarded, so access-svc applies its own rules to the
same identity."""

import uuid
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from switchboard_contracts.enums import ChannelRole
from switchboard_platform.auth.http import bearer_header
from switchboard_platform.auth.standing import (
    DEFAULT_TTL_SECONDS,
    HttpStanding,
    Standing,
    StandingSource,
)

HTTP_OK = 200


class AccessUnavailableError(Exception):
    pass


@dataclass(frozen=True)
class AccessibleChannel:
    channel_id: uuid.UUID
    role: ChannelRole


class AccessDirectory(StandingSource, Protocol):
    async def channels_of(self, user_id: uuid.UUID, bearer: str) -> list[AccessibleChannel]: ...

    async def channel_access(self, channel_id: uuid.UUID, bearer: str) -> dict[str, Any] | None: ...

    async def aclose(self) -> None: ...


class HttpAccessDirectory:
    def __init__(
        self,
        base_url: str,
        *,
        client: httpx.AsyncClient | None = None,
        standing_ttl_seconds: float = DEFAULT_TTL_SECONDS,
    ) -> None:
        self._client = client or httpx.AsyncClient(base_url=base_url, timeout=5.0)
        self._standing = HttpStanding(
            self._client, ttl_seconds=standing_ttl_seconds, owns_client=False
        )

    async def standing(self, org_id: uuid.UUID, user_id: uuid.UUID, bearer: str) -> Standing | None:
        return await self._standing.standing(org_id, user_id, bearer)

    def forget(self, org_id: uuid.UUID) -> None:
        self._standing.forget(org_id)

    async def channels_of(self, user_id: uuid.UUID, bearer: str) -> list[AccessibleChannel]:
        try:
            response = await self._client.get(
                f"/v1/users/{user_id}/channels", headers=bearer_header(bearer)
            )
        except httpx.HTTPError as exc:
            raise AccessUnavailableError(type(exc).__name__) from exc
        if response.status_code != HTTP_OK:
            raise AccessUnavailableError(f"access-svc answered {response.status_code}")
        return [
            AccessibleChannel(uuid.UUID(item["channel_id"]), ChannelRole(item["role"]))
            for item in response.json()["channels"]
        ]

    async def channel_access(self, channel_id: uuid.UUID, bearer: str) -> dict[str, Any] | None:
        """The grants, or None when access-svc cannot say (unknown there yet, or down)."""
        try:
            response = await self._client.get(
                f"/v1/channels/{channel_id}/access", headers=bearer_header(bearer)
            )
        except httpx.HTTPError:
            return None
        if response.status_code != HTTP_OK:
            return None
        body: dict[str, Any] = response.json()
        return body

    async def aclose(self) -> None:
        await self._client.aclose()
