"""The composition root of conversation-svc: the only place that builds and wires things."""

from datetime import timedelta
from functools import partial

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from switchboard_conversation.adapters import tables
from switchboard_conversation.adapters.access import AccessChecker, HttpAccessChecker
from switchboard_conversation.adapters.unit_of_work import UnitOfWork
from switchboard_conversation.domain.messages import EchoHold
from switchboard_conversation.entrypoints.consumers import subscriptions
from switchboard_conversation.entrypoints.http import admin, conversations, deps, queues
from switchboard_conversation.service_layer.context import ConversationContext
from switchboard_conversation.service_layer.sweeper import Sweeper
from switchboard_conversation.settings import ConversationSettings
from switchboard_platform.auth.service_tokens import ServiceTokens
from switchboard_platform.auth.verifier import build_verifier
from switchboard_platform.clock import Clock, utc_now
from switchboard_platform.db.engine import session_factory
from switchboard_platform.periodic import Periodic
from switchboard_platform.service import Plumbing, ServiceParts, service_app
from switchboard_platform.settings import DatabaseSettings

SERVICE = "conversation-svc"


def create_app(
    settings: ConversationSettings | None = None,
    *,
    access: AccessChecker | None = None,
    clock: Clock = utc_now,
    engine: AsyncEngine | None = None,
) -> FastAPI:
    """`access` and `clock` let tests put access-svc in process and move time; `engine`
    lets a test that drives only the HTTP API (no lifespan) own and dispose the pool."""
    settings = settings or ConversationSettings()
    plumbing = Plumbing.of(SERVICE, settings, settings.database, engine=engine)
    context = ConversationContext(
        unit_of_work=partial(UnitOfWork, session_factory(plumbing.engine)),
        access=access or _access(settings),
        clock=clock,
    )
    sweeper = Sweeper(
        context,
        batch_size=settings.sweep_batch_size,
        echo_hold=EchoHold(timedelta(seconds=settings.echo_hold_seconds)),
    )
    periodic = (
        [Periodic("sweep", sweeper.once, interval_seconds=settings.sweep_interval_seconds)]
        if settings.sweep_enabled
        else []
    )
    return service_app(
        ServiceParts(
            name=SERVICE,
            settings=settings,
            plumbing=plumbing,
            outbox=tables.outbox,
            subscriptions=subscriptions,
            group_id=settings.consumer_group,
            verifier=build_verifier(settings.auth),
            standing=context.access,
            context=context,
            routers=[queues.router, conversations.router, admin.router],
            periodic=periodic,
            closing=[context.access.aclose],
            install=[deps.install],
        ),
        title="Switchboard conversation-svc",
        description="Conversations in the New / Pending / Resolved queues: agents' queues and "
        "actions (each checked against access-svc), ownership, auto-resolve and reports. "
        "Consumes twitter.activity.v1, channels.v1, replies.results.v1 and access.v1; "
        "publishes conversations.v1 and replies.requested.v1.",
    )


def _access(settings: ConversationSettings) -> AccessChecker:
    return HttpAccessChecker(
        httpx.AsyncClient(base_url=settings.access_url, timeout=5.0),
        ServiceTokens(settings.service_token_url, service=SERVICE),
        ttl_seconds=settings.access_cache_seconds,
    )


def openapi_app() -> FastAPI:
    """The app with placeholder settings, for the committed OpenAPI document."""
    return create_app(
        ConversationSettings(database=DatabaseSettings(url="postgresql+psycopg://placeholder@/x"))
    )
