"""Service tokens for calls a service makes on its own behalf (no user's token at hand).

A token is scoped to one organization (see `claims`), so a service working for several
holds one per organization. `ServiceTokens` fetches them from a token endpoint and keeps
each until shortly before it expires; locally the endpoint is access-svc's development
issuer (`POST /v1/dev/tokens`), in production the identity provider's equivalent.
"""

import asyncio
import time
import uuid
from collections.abc import Callable
from typing import Protocol

import httpx

from switchboard_platform.auth.signing import TokenSigner

HTTP_OK = 200


class ServiceTokenError(ConnectionError):
    """No token could be had right now (a transient failure: callers retry)."""


class ServiceTokenSource(Protocol):
    async def token_for(self, org_id: uuid.UUID) -> str: ...

    async def aclose(self) -> None: ...


class ServiceTokens:
    def __init__(
        self,
        token_url: str,
        *,
        service: str,
        ttl_seconds: int = 3600,
        refresh_before_seconds: float = 60.0,
        client: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = token_url
        self._service = service
        self._ttl = ttl_seconds
        self._margin = refresh_before_seconds
        self._client = client or httpx.AsyncClient(timeout=5.0)
        self._clock = clock
        self._tokens: dict[uuid.UUID, tuple[str, float]] = {}
        self._locks: dict[uuid.UUID, asyncio.Lock] = {}

    async def token_for(self, org_id: uuid.UUID) -> str:
        cached = self._fresh(org_id)
        if cached is not None:
            return cached
        async with self._locks.setdefault(org_id, asyncio.Lock()):  # one fetch per org
            cached = self._fresh(org_id)
            if cached is not None:
                return cached
            return await self._fetch(org_id)

    async def aclose(self) -> None:
        await self._client.aclose()

    def _fresh(self, org_id: uuid.UUID) -> str | None:
        found = self._tokens.get(org_id)
        if found is None or self._clock() >= found[1]:
            return None
        return found[0]

    async def _fetch(self, org_id: uuid.UUID) -> str:
        started = self._clock()
        try:
            response = await self._client.post(
                self._url,
                json={
                    "org_id": str(org_id),
                    "kind": "service",
                    "service": self._service,
                    "ttl_seconds": self._ttl,
                },
            )
        except httpx.HTTPError as exc:
            raise ServiceTokenError(f"token endpoint unreachable: {exc!r}") from exc
        if response.status_code != HTTP_OK:
            raise ServiceTokenError(f"token endpoint answered {response.status_code}")
        body = response.json()
        token = str(body["access_token"])
        expires_in = float(body.get("expires_in", self._ttl))
        self._tokens[org_id] = (token, started + max(0.0, expires_in - self._margin))
        return token


class SignedServiceTokens:
    """Tokens signed in process (tests, or a service that is its own issuer)."""

    def __init__(self, signer: TokenSigner, *, service: str) -> None:
        self._signer = signer
        self._service = service

    async def token_for(self, org_id: uuid.UUID) -> str:
        return self._signer.service_token(org_id=org_id, service=self._service)

    async def aclose(self) -> None:
        return None
