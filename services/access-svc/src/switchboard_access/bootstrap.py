"""The composition root of access-svc: the only place that builds and wires things."""

from functools import partial

from fastapi import FastAPI

from switchboard_access.adapters import tables
from switchboard_access.adapters.access_queries import CheckInputs
from switchboard_access.adapters.change_cache import ChangeCache
from switchboard_access.adapters.change_feed import ChangeFeed
from switchboard_access.adapters.standing import DatabaseStanding
from switchboard_access.adapters.unit_of_work import UnitOfWork
from switchboard_access.entrypoints.consumers import subscriptions
from switchboard_access.entrypoints.http import channels, checks, deps, grants, teams, users
from switchboard_access.entrypoints.http.dev_issuer import dev_issuer_router
from switchboard_access.entrypoints.http.dev_oidc import dev_oidc_router
from switchboard_access.service_layer.context import AccessContext
from switchboard_access.settings import AccessSettings
from switchboard_platform.auth.signing import TokenSigner, generate_signing_key, load_signing_key
from switchboard_platform.auth.standing import Standing
from switchboard_platform.auth.verifier import build_verifier
from switchboard_platform.db.engine import session_factory
from switchboard_platform.logs import get_logger
from switchboard_platform.service import Plumbing, ServiceParts, service_app
from switchboard_platform.settings import DatabaseSettings

SERVICE = "access-svc"
log = get_logger(__name__)


def create_app(settings: AccessSettings | None = None) -> FastAPI:
    settings = settings or AccessSettings()
    plumbing = Plumbing.of(SERVICE, settings, settings.database)
    engine = plumbing.engine
    reading_sessions = session_factory(engine.execution_options(isolation_level="AUTOCOMMIT"))
    # What the check and the callers' standing read, kept until the database says it
    # changed (a trigger's NOTIFY, heard by the feed) or this process commits a change.
    checks_cache = ChangeCache[CheckInputs]()
    standing_cache = ChangeCache[Standing | None]()
    caches = (checks_cache, standing_cache)

    def committed() -> None:
        for cache in caches:
            cache.reset()

    context = AccessContext(
        unit_of_work=partial(UnitOfWork, session_factory(engine), committed=committed),
        reading=partial(UnitOfWork, reading_sessions, read_only=True, check_cache=checks_cache),
    )
    signer = _dev_signer(settings)
    verifier = build_verifier(settings.auth, keys=signer.public_keys if signer else None)

    def warn_of_dev_issuer() -> None:
        log.warning(
            "DEVELOPMENT TOKEN ISSUER IS ON: anyone can get any token; never in production",
            issuer=settings.auth.issuer,
            generated_key=settings.dev_issuer_key is None,
        )

    routers = [users.router, teams.router, channels.router, grants.router, checks.router]
    if signer is not None:
        routers += [
            dev_issuer_router(signer, max_ttl_seconds=settings.dev_token_max_ttl_seconds),
            dev_oidc_router(signer),
        ]
    return service_app(
        ServiceParts(
            name=SERVICE,
            settings=settings,
            plumbing=plumbing,
            outbox=tables.outbox,
            subscriptions=subscriptions,
            group_id=settings.consumer_group,
            verifier=verifier,
            standing=DatabaseStanding(reading_sessions, standing_cache),
            alongside=[ChangeFeed(engine.url, caches)],
            context=context,
            routers=routers,
            on_start=warn_of_dev_issuer if signer is not None else None,
            install=[deps.install],
        ),
        title="Switchboard access-svc",
        description="Users, teams, channel grants and roles; the check API. Every endpoint "
        "takes a bearer JWT and is scoped to its organization. Publishes access.v1, "
        "consumes channels.v1.",
    )


def _dev_signer(settings: AccessSettings) -> TokenSigner | None:
    if not settings.dev_issuer:
        return None
    key = load_signing_key(settings.dev_issuer_key) if settings.dev_issuer_key else None
    return TokenSigner(
        key or generate_signing_key(),
        issuer=settings.auth.issuer,
        audience=settings.auth.audience,
    )


def openapi_app() -> FastAPI:
    """The app with placeholder settings, for the committed OpenAPI document (the
    development issuer is off, as in production)."""
    return create_app(
        AccessSettings(database=DatabaseSettings(url="postgresql+psycopg://placeholder@/x"))
    )
