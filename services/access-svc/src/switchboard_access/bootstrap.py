"""The composition root of access-svc: the only place that builds and wires things."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from switchboard_access.adapters import tables
from switchboard_access.adapters.standing import DatabaseStanding
from switchboard_access.entrypoints.consumers import subscriptions
from switchboard_access.entrypoints.http import channels, checks, deps, grants, teams, users
from switchboard_access.entrypoints.http.dev_issuer import dev_issuer_router
from switchboard_access.entrypoints.http.dev_oidc import dev_oidc_router
from switchboard_access.settings import AccessSettings
from switchboard_platform.auth.http import install_auth
from switchboard_platform.auth.signing import TokenSigner, generate_signing_key, load_signing_key
from switchboard_platform.auth.standing import install_standing
from switchboard_platform.auth.verifier import build_verifier
from switchboard_platform.db.engine import create_engine, session_factory
from switchboard_platform.db.outbox import OutboxRelay
from switchboard_platform.http.app import create_app as create_service_app
from switchboard_platform.http.health import broker_check, database_check
from switchboard_platform.kafka.broker import EventPublisher, build_broker
from switchboard_platform.lifecycle import running
from switchboard_platform.logs import get_logger
from switchboard_platform.observability import configure_observability
from switchboard_platform.settings import DatabaseSettings

SERVICE = "access-svc"
log = get_logger(__name__)


def create_app(settings: AccessSettings | None = None) -> FastAPI:
    settings = settings or AccessSettings()
    engine = create_engine(settings.database.url, pool_size=settings.database.pool_size)
    context = deps.AccessContext(
        sessions=session_factory(engine),
        reading_sessions=session_factory(engine.execution_options(isolation_level="AUTOCOMMIT")),
    )
    broker = build_broker(settings.kafka, client_id=SERVICE, traced=settings.tracing.enabled)
    publisher = EventPublisher(broker, settings.kafka)
    for subscription in subscriptions(
        context=context, publisher=publisher, group_id=settings.consumer_group, service=SERVICE
    ):
        subscription.register(broker)
    relay = OutboxRelay(engine, tables.outbox, publisher)
    signer = _dev_signer(settings)
    verifier = build_verifier(settings.auth, keys=signer.public_keys if signer else None)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        configure_observability(SERVICE, settings)
        if signer is not None:
            log.warning(
                "DEVELOPMENT TOKEN ISSUER IS ON: anyone can get any token; never in production",
                issuer=settings.auth.issuer,
                generated_key=settings.dev_issuer_key is None,
            )
        try:
            async with running(broker, [relay], role=settings.role):
                yield
        finally:
            await verifier.aclose()
            await engine.dispose()

    app = create_service_app(
        title="Switchboard access-svc",
        description="Users, teams, channel grants and roles; the check API. Every endpoint "
        "takes a bearer JWT and is scoped to its organization. Publishes access.v1, "
        "consumes channels.v1.",
        lifespan=lifespan,
        traced=settings.tracing.enabled,
        checks={"database": database_check(engine), "kafka": broker_check(broker)},
    )
    install_auth(app, verifier)
    install_standing(app, DatabaseStanding(context.reading_sessions))
    deps.install(app, context)
    for router in (users.router, teams.router, channels.router, grants.router, checks.router):
        app.include_router(router)
    if signer is not None:
        app.include_router(
            dev_issuer_router(signer, max_ttl_seconds=settings.dev_token_max_ttl_seconds)
        )
        app.include_router(dev_oidc_router(signer))
    return app


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
