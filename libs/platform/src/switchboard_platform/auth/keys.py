"""The issuer's public keys (a JWKS): given inline, or fetched from a URL and cached.

A fetched set is kept for `cache_seconds`, and fetched again early when a token names a
`kid` the set does not have (the issuer rotated its keys), at most once per
`min_refresh_seconds`, so tokens with made-up `kid`s cannot hammer the issuer. When a
refetch fails, the keys already known keep working.
"""

import asyncio
import json
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from switchboard_platform.logs import get_logger

log = get_logger(__name__)


class KeysUnavailableError(Exception):
    """No keys to verify with: the JWKS could not be fetched and none is cached."""


class KeySource(Protocol):
    async def keys_for(self, kid: str | None) -> KeySet: ...

    async def aclose(self) -> None: ...


def parse_jwks(data: str | bytes | Mapping[str, Any]) -> KeySet:
    """A JWKS document -> its signing keys (encryption keys are left out)."""
    document = json.loads(data) if isinstance(data, str | bytes) else dict(data)
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("a JWKS is an object with a `keys` list")  # noqa: TRY004 - bad input
    keys = [key for key in document["keys"] if isinstance(key, dict) and key.get("use") != "enc"]
    try:
        return KeySet.import_key_set({"keys": keys})
    except JoseError as exc:
        raise ValueError(f"the JWKS has no usable key: {exc}") from exc


class StaticKeys:
    def __init__(self, keys: KeySet) -> None:
        self._keys = keys

    async def keys_for(self, kid: str | None) -> KeySet:
        del kid
        return self._keys

    async def aclose(self) -> None:
        return None


class RemoteKeys:
    def __init__(
        self,
        url: str,
        *,
        cache_seconds: float = 300.0,
        min_refresh_seconds: float = 10.0,
        client: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = url
        self._cache_seconds = cache_seconds
        self._min_refresh_seconds = min_refresh_seconds
        self._client = client or httpx.AsyncClient(timeout=5.0)
        self._clock = clock
        self._keys: KeySet | None = None
        self._fetched_at = 0.0
        self._attempted_at: float | None = None
        self._lock = asyncio.Lock()

    async def keys_for(self, kid: str | None) -> KeySet:
        if self._stale() or (kid is not None and not self._knows(kid) and self._may_refetch()):
            async with self._lock:  # one fetch for many concurrent requests
                if self._stale() or (
                    kid is not None and not self._knows(kid) and self._may_refetch()
                ):
                    await self._fetch()
        if self._keys is None:
            raise KeysUnavailableError(f"no keys from {self._url}")
        return self._keys

    async def aclose(self) -> None:
        await self._client.aclose()

    def _stale(self) -> bool:
        if self._keys is None:
            return self._may_refetch()
        return self._clock() - self._fetched_at >= self._cache_seconds and self._may_refetch()

    def _knows(self, kid: str) -> bool:
        return self._keys is not None and any(key.kid == kid for key in self._keys)

    def _may_refetch(self) -> bool:
        return (
            self._attempted_at is None
            or self._clock() - self._attempted_at >= self._min_refresh_seconds
        )

    async def _fetch(self) -> None:
        self._attempted_at = self._clock()
        try:
            response = await self._client.get(self._url, headers={"accept": "application/json"})
            response.raise_for_status()
            keys = parse_jwks(response.content)
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("jwks fetch failed", url=self._url, error=repr(exc)[:300])
            return
        self._keys = keys
        self._fetched_at = self._attempted_at
        log.info("jwks fetched", url=self._url, kids=[key.kid for key in keys])
