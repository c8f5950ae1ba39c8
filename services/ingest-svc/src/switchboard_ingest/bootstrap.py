"""The composition root of ingest-svc: the only place that builds and wires things."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from switchboard_ingest.context import IngestContext
from switchboard_ingest.entrypoints import webhooks
from switchboard_ingest.settings import IngestSettings
from switchboard_platform.http.app import create_app as create_service_app
from switchboard_platform.kafka.broker import EventPublisher, Publisher, build_broker
from switchboard_platform.logs import configure_logging

SERVICE = "ingest-svc"


def create_app(
    settings: IngestSettings | None = None, publisher: Publisher | None = None
) -> FastAPI:
    """Build the app; pass `publisher` to run it without a broker (unit tests)."""
    settings = settings or IngestSettings()
    broker = None
    if publisher is None:
        broker = build_broker(settings.kafka, client_id=SERVICE)
        publisher = EventPublisher(broker, settings.kafka)
    context = IngestContext(settings=settings, publisher=publisher)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(service=SERVICE, level=settings.log_level, fmt=settings.log_format)
        app.state.context = context
        if broker is not None:
            await broker.start()
        try:
            yield
        finally:
            if broker is not None:
                await broker.stop()

    async def kafka_ready() -> bool:
        return broker is None or await broker.ping(timeout=2.0)

    app = create_service_app(
        title="Switchboard ingest-svc",
        description="The public Twitter webhook edge: CRC, signature checks, and every "
        "delivery turned into events on twitter.activity.v1 before it is acknowledged.",
        lifespan=lifespan,
        checks={"kafka": kafka_ready},
    )
    app.include_router(webhooks.router)
    return app


def openapi_app() -> FastAPI:
    """The app with placeholder settings, for the committed OpenAPI document."""
    return create_app(IngestSettings(twitter_consumer_secret="placeholder"))  # noqa: S106 - not a secret
