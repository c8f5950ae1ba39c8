"""The composition root of conversation-svc: the only place that builds and wires things."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import text

from switchboard_conversation.adapters import tables
from switchboard_conversation.adapters.unit_of_work import UnitOfWork
from switchboard_conversation.entrypoints.consumers import subscriptions
from switchboard_conversation.settings import ConversationSettings
from switchboard_platform.db.engine import create_engine, session_factory
from switchboard_platform.db.outbox import OutboxRelay
from switchboard_platform.http.app import create_app as create_service_app
from switchboard_platform.kafka.broker import EventPublisher, build_broker
from switchboard_platform.lifecycle import running
from switchboard_platform.logs import configure_logging
from switchboard_platform.settings import DatabaseSettings

SERVICE = "conversation-svc"


def create_app(settings: ConversationSettings | None = None) -> FastAPI:
    settings = settings or ConversationSettings()
    engine = create_engine(settings.database.url, pool_size=settings.database.pool_size)
    broker = build_broker(settings.kafka, client_id=SERVICE)
    publisher = EventPublisher(broker, settings.kafka)
    uow = UnitOfWork(session_factory(engine))
    for subscription in subscriptions(
        uow=uow, publisher=publisher, group_id=settings.consumer_group, service=SERVICE
    ):
        subscription.register(broker)
    relay = OutboxRelay(engine, tables.outbox, publisher)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        configure_logging(service=SERVICE, level=settings.log_level, fmt=settings.log_format)
        try:
            async with running(broker, [relay]):
                yield
        finally:
            await engine.dispose()

    async def database_ready() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def kafka_ready() -> bool:
        return await broker.ping(timeout=2.0)

    return create_service_app(
        title="Switchboard conversation-svc",
        description="Conversations, queues and ownership; consumes twitter.activity.v1 and "
        "channels.v1, publishes conversations.v1.",
        lifespan=lifespan,
        checks={"database": database_ready, "kafka": kafka_ready},
    )


def openapi_app() -> FastAPI:
    """The app with placeholder settings, for the committed OpenAPI document."""
    return create_app(
        ConversationSettings(database=DatabaseSettings(url="postgresql+psycopg://placeholder@/x"))
    )
