"""access-svc as conversation-svc asks it: the caller's standing before every request
(`switchboard_platform.auth.standing`), and the check API before every agent action.

The caller's own bearer token is forwarded when there is one (the user asks about
themself); otherwise (assigning another agent, the access.v1 consumer) a service token
of the organization is used. Answers are cached for `ttl_seconds` (well under a second,
so a revoked grant, a deactivation or a demotion takes effect within one; refreshed ahead,
see `TtlCache`), and an organization's answers, standing included, are dropped as soon as
an access.v1 event of that organization arrives.
"""

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import httpx

from switchboard_contracts.enums import ChannelAction, ChannelRole
from switchboard_platform.auth.http import bearer_header
from switchboard_platform.auth.service_tokens import ServiceTokenSource
from switchboard_platform.auth.standing import HttpStanding, Standing, StandingSource, TtlCache

HTTP_OK = 200
HTTP_NOT_FOUND = 404


class AccessUnavailableError(ConnectionError):
    """access-svc could not answer (transient: a consumer retries, HTTP answers 503)."""


@dataclass(frozen=True)
class Decision:
    allowed: bool
    verdict: str  # allowed | no_access | role_too_low | user_inactive | unknown
    role: ChannelRole | None
    required_role: ChannelRole | None

    @property
    def has_access(self) -> bool:
        return self.verdict in ("allowed", "role_too_low")


UNKNOWN = Decision(allowed=False, verdict="unknown", role=None, required_role=None)


class AccessChecker(StandingSource, Protocol):
    async def check(
        self,
        *,
        org_id: uuid.UUID,
        user_id: uuid.UUID,
        channel_id: uuid.UUID,
        action: ChannelAction,
        bearer: str | None = None,
        fresh: bool = False,
    ) -> Decision: ...

    async def channels_of(
        self, *, org_id: uuid.UUID, user_id: uuid.UUID, bearer: str
    ) -> list[tuple[uuid.UUID, ChannelRole]]: ...


CacheKey = tuple[uuid.UUID, uuid.UUID, uuid.UUID, ChannelAction]
Accessible = list[tuple[uuid.UUID, ChannelRole]]


class HttpAccessChecker:
    def __init__(
        self,
        client: httpx.AsyncClient,
        tokens: ServiceTokenSource,
        *,
        ttl_seconds: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._tokens = tokens
        self._cache: TtlCache[CacheKey, Decision] = TtlCache(ttl_seconds, clock=clock)
        # The cross-channel queue asks on every page: the same rule as check answers.
        self._channels: TtlCache[tuple[uuid.UUID, uuid.UUID], Accessible] = TtlCache(
            ttl_seconds, clock=clock
        )
        self._standing = HttpStanding(
            client, ttl_seconds=ttl_seconds, clock=clock, owns_client=False
        )

    async def standing(self, org_id: uuid.UUID, user_id: uuid.UUID, bearer: str) -> Standing | None:
        return await self._standing.standing(org_id, user_id, bearer)

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
        return await self._cache.get_or_load(
            (org_id, user_id, channel_id, action),
            lambda: self._decision(org_id, user_id, channel_id, action, bearer),
            fresh=fresh,
        )

    async def _decision(
        self,
        org_id: uuid.UUID,
        user_id: uuid.UUID,
        channel_id: uuid.UUID,
        action: ChannelAction,
        bearer: str | None,
    ) -> Decision:
        token = bearer or await self._tokens.token_for(org_id)
        response = await self._call(
            "POST",
            "/v1/check",
            token,
            json={"user_id": str(user_id), "channel_id": str(channel_id), "action": action},
        )
        if response.status_code == HTTP_NOT_FOUND:
            return UNKNOWN  # channel or user unknown to access-svc
        if response.status_code != HTTP_OK:
            raise AccessUnavailableError(f"access-svc answered {response.status_code}")
        body = response.json()
        return Decision(
            allowed=bool(body["allowed"]),
            verdict=str(body["verdict"]),
            role=ChannelRole(body["role"]) if body.get("role") else None,
            required_role=ChannelRole(body["required_role"]),
        )

    async def channels_of(
        self, *, org_id: uuid.UUID, user_id: uuid.UUID, bearer: str
    ) -> Accessible:
        return await self._channels.get_or_load(
            (org_id, user_id), lambda: self._accessible(user_id, bearer)
        )

    async def _accessible(self, user_id: uuid.UUID, bearer: str) -> Accessible:
        response = await self._call("GET", f"/v1/users/{user_id}/channels", bearer)
        if response.status_code == HTTP_NOT_FOUND:
            return []
        if response.status_code != HTTP_OK:
            raise AccessUnavailableError(f"access-svc answered {response.status_code}")
        return [
            (uuid.UUID(item["channel_id"]), ChannelRole(item["role"]))
            for item in response.json()["channels"]
        ]

    def forget(self, org_id: uuid.UUID) -> None:
        self._cache.forget(org_id)
        self._channels.forget(org_id)
        self._standing.forget(org_id)

    async def aclose(self) -> None:
        await self._client.aclose()
        await self._tokens.aclose()

    async def _call(
        self, method: str, path: str, token: str, json: object | None = None
    ) -> httpx.Response:
        try:
            return await self._client.request(method, path, json=json, headers=bearer_header(token))
        except httpx.HTTPError as exc:
            raise AccessUnavailableError(f"access-svc unreachable: {exc!r}") from exc
