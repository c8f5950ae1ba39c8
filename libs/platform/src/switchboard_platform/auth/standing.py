"""The caller's current standing, asked of access-svc on every request.

A token says who the caller is; it does not say what they may still do. Whether the user is
active, their organization role and their team are access-svc's records, which an admin
changes at any time: every service asks for them (`StandingSource`) instead of trusting
the token's `org_role`, so a deactivation or a demotion takes effect within a second on
every service, whatever the token says. Answers are cached for well under a second
(`TtlCache`) and dropped at once on an `access.v1` event of the organization by services
that consume it (`forget`).

`install_standing(app, source)` once, then declare `caller: CurrentCaller` on a route:

- a service token: a `Caller` with no standing (services are never admins);
- a user access-svc knows and has deactivated: 403 `user_inactive`, on every route;
- a user access-svc does not know (the identity provider's token alone): 403
  `unknown_user`, except on the routes that take `BootstrapCaller` (access-svc's creation
  of an organization's first users), where an admin token is let through with no standing;
- otherwise a `Caller` whose `is_admin` comes from the record, not the token.
"""

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Protocol, TypeVar

import httpx
from fastapi import Depends, FastAPI, Request
from fastapi.security import HTTPAuthorizationCredentials

from switchboard_contracts.enums import OrgRole
from switchboard_platform.auth.claims import Principal
from switchboard_platform.auth.http import CurrentPrincipal, bearer_scheme
from switchboard_platform.http.errors import ApiError
from switchboard_platform.logs import get_logger

log = get_logger(__name__)

HTTP_OK = 200
HTTP_NOT_FOUND = 404
STANDING_PATH = "/v1/me/standing"
DEFAULT_TTL_SECONDS = 0.5


@dataclass(frozen=True)
class Standing:
    """What access-svc holds of a user right now."""

    user_id: uuid.UUID
    org_role: OrgRole
    active: bool
    team_id: uuid.UUID | None = None


class StandingUnavailableError(ConnectionError):
    """access-svc could not say (transient: the request answers 503, never a pass)."""


class StandingSource(Protocol):
    async def standing(self, org_id: uuid.UUID, user_id: uuid.UUID, bearer: str) -> Standing | None:
        """The user's standing; None when access-svc does not know the user."""
        ...

    def forget(self, org_id: uuid.UUID) -> None:
        """Drop what is cached of the organization (an `access.v1` event arrived)."""
        ...

    async def aclose(self) -> None: ...


K = TypeVar("K", bound=tuple[object, ...])  # (org id, ...)
V = TypeVar("V")


@dataclass(frozen=True)
class Hit(Generic[V]):
    value: V


class TtlCache(Generic[K, V]):
    """Answers of access-svc kept for `ttl_seconds`, keyed by tuples whose first element is
    the organization, so `forget(org_id)` drops one organization's answers. At most
    `max_entries`: when full, expired answers go first, then all (a process asked about
    ever more users and channels would otherwise keep every answer it ever had).

    `get_or_load` is how callers use it. An answer is never served past `ttl_seconds`.
    Past half of it, the answer is still served and one refresh starts in the background,
    so a caller asking steadily never waits on access-svc (a synchronous miss every
    `ttl_seconds` was the p99 of every agent read). Callers missing the same key at once
    share one load. A load that began before a `forget` is returned to its callers but not
    kept: it may predate the change the event announced."""

    def __init__(
        self,
        ttl_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = 100_000,
    ) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._max_entries = max_entries
        self._entries: dict[K, tuple[V, float]] = {}  # value, when it was asked for
        self._loading: dict[K, asyncio.Task[V]] = {}
        self._forgets = 0  # loads that began before a forget are not kept

    def get(self, key: K) -> Hit[V] | None:
        found = self._entries.get(key)
        if found is None or self._clock() >= found[1] + self._ttl:
            return None
        return Hit(found[0])

    async def get_or_load(
        self, key: K, load: Callable[[], Awaitable[V]], *, fresh: bool = False
    ) -> V:
        """The answer for `key`: cached, or `load()`'s (whose errors reach the caller).
        `fresh`: asked now whatever is cached or already being asked, then kept."""
        found = None if fresh else self._entries.get(key)
        if found is not None:
            age = self._clock() - found[1]
            if age < self._ttl:
                if age >= self._ttl / 2 and key not in self._loading:
                    self._start(key, load).add_done_callback(_ignore_failure)
                return found[0]
        task = (None if fresh else self._loading.get(key)) or self._start(key, load)
        return await asyncio.shield(task)  # a caller that gives up leaves it to the others

    def _start(self, key: K, load: Callable[[], Awaitable[V]]) -> "asyncio.Task[V]":
        async def loading() -> V:
            forgets, asked_at = self._forgets, self._clock()
            try:
                value = await load()
            finally:
                if self._loading.get(key) is task:  # a fresh load may have come after it
                    del self._loading[key]
            if forgets == self._forgets:
                self._put(key, value, asked_at)
            return value

        task = asyncio.create_task(loading())
        self._loading[key] = task
        return task

    def put(self, key: K, value: V) -> None:
        self._put(key, value, self._clock())

    def _put(self, key: K, value: V, asked_at: float) -> None:
        if self._ttl <= 0:
            return
        if len(self._entries) >= self._max_entries and key not in self._entries:
            cutoff = self._clock() - self._ttl
            self._entries = {k: e for k, e in self._entries.items() if e[1] > cutoff}
            if len(self._entries) >= self._max_entries:
                self._entries.clear()
        self._entries[key] = (value, asked_at)

    def __len__(self) -> int:
        return len(self._entries)

    def forget(self, org_id: uuid.UUID) -> None:
        self._forgets += 1
        for key in [key for key in self._entries if key[0] == org_id]:
            self._entries.pop(key, None)


def _ignore_failure(task: "asyncio.Task[Any]") -> None:
    """A background refresh that failed: the answer it would have replaced ages out, and
    the next caller's own load reports the failure."""
    if not task.cancelled() and (error := task.exception()) is not None:
        log.debug("background refresh of an access answer failed", error=repr(error))


class HttpStanding:
    """A user's standing from access-svc's `GET /v1/me/standing`, asked with the user's own
    token (a user may always read their own standing), cached briefly."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        owns_client: bool = True,
    ) -> None:
        self._client = client
        self._owns_client = owns_client
        self._cache: TtlCache[tuple[uuid.UUID, uuid.UUID], Standing | None] = TtlCache(
            ttl_seconds, clock=clock
        )

    async def standing(self, org_id: uuid.UUID, user_id: uuid.UUID, bearer: str) -> Standing | None:
        return await self._cache.get_or_load((org_id, user_id), lambda: self._ask(user_id, bearer))

    async def _ask(self, user_id: uuid.UUID, bearer: str) -> Standing | None:
        try:
            response = await self._client.get(
                STANDING_PATH, headers={"authorization": f"Bearer {bearer}"}
            )
        except httpx.HTTPError as exc:
            raise StandingUnavailableError(f"access-svc unreachable: {exc!r}") from exc
        found: Standing | None
        if response.status_code == HTTP_NOT_FOUND:
            found = None
        elif response.status_code == HTTP_OK:
            body = response.json()
            found = Standing(
                user_id=uuid.UUID(body["user_id"]),
                org_role=OrgRole(body["org_role"]),
                active=bool(body["active"]),
                team_id=uuid.UUID(body["team_id"]) if body.get("team_id") else None,
            )
            if found.user_id != user_id:
                raise StandingUnavailableError("access-svc answered for another user")
        else:
            raise StandingUnavailableError(f"access-svc answered {response.status_code}")
        return found

    def forget(self, org_id: uuid.UUID) -> None:
        self._cache.forget(org_id)

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()


@dataclass(frozen=True)
class Caller:
    """A verified caller with their current standing (None: a service, or a user access-svc
    does not know, let through only by `BootstrapCaller`)."""

    principal: Principal
    bearer: str
    standing: Standing | None = None

    @property
    def org_id(self) -> uuid.UUID:
        return self.principal.org_id

    @property
    def subject(self) -> str:
        return self.principal.subject

    @property
    def is_service(self) -> bool:
        return self.principal.is_service

    @property
    def user_id(self) -> uuid.UUID | None:
        """The calling user's id; None for a service."""
        return self.principal.user_id

    @property
    def org_role(self) -> OrgRole | None:
        """The role access-svc holds now (never the token's)."""
        return None if self.standing is None else self.standing.org_role

    @property
    def is_admin(self) -> bool:
        standing = self.standing
        return standing is not None and standing.active and standing.org_role is OrgRole.ADMIN

    @property
    def is_identity_only_admin(self) -> bool:
        """An admin in the identity provider's token whom access-svc does not know."""
        return self.standing is None and self.principal.is_admin


def install_standing(app: FastAPI, source: StandingSource) -> None:
    app.state.standing_source = source


def _source(request: Request) -> StandingSource:
    source: StandingSource | None = getattr(request.app.state, "standing_source", None)
    if source is None:
        raise TypeError("install_standing(app, source) was not called")
    return source


UNKNOWN_USER = (
    "Your user is not known to access-svc; an admin of the organization must add you first."
)
INACTIVE_USER = "Your user is deactivated."


async def resolve_caller(
    source: StandingSource, principal: Principal, bearer: str, *, bootstrap: bool = False
) -> Caller:
    """The rule every route applies (see the module's docstring)."""
    user_id = principal.user_id
    if user_id is None:
        return Caller(principal, bearer)
    try:
        standing = await source.standing(principal.org_id, user_id, bearer)
    except StandingUnavailableError:
        log.warning("standing unavailable", org_id=str(principal.org_id))
        raise ApiError(503, "Your access cannot be checked right now; try again shortly.") from None
    if standing is None:
        if bootstrap and principal.is_admin:
            return Caller(principal, bearer)
        raise ApiError(403, UNKNOWN_USER, code="unknown_user")
    if not standing.active:
        raise ApiError(403, INACTIVE_USER, code="user_inactive")
    return Caller(principal, bearer, standing)


def _bearer_of(credentials: HTTPAuthorizationCredentials | None) -> str:
    # Only read after `CurrentPrincipal` has verified it.
    return "" if credentials is None else credentials.credentials


async def current_caller(
    request: Request,
    principal: CurrentPrincipal,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Caller:
    return await resolve_caller(_source(request), principal, _bearer_of(credentials))


async def bootstrap_caller(
    request: Request,
    principal: CurrentPrincipal,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Caller:
    return await resolve_caller(
        _source(request), principal, _bearer_of(credentials), bootstrap=True
    )


CurrentCaller = Annotated[Caller, Depends(current_caller)]
BootstrapCaller = Annotated[Caller, Depends(bootstrap_caller)]
