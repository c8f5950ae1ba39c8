"""The composition root of ingest-svc: the only place that builds and wires things."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from switchboard_ingest.adapters.broker import BoundedPublisher, KafkaConnection
from switchboard_ingest.entrypoints import webhooks
from switchboard_ingest.service_layer.context import IngestContext
from switchboard_ingest.settings import IngestSettings
from switchboard_platform.http.app import create_app as create_service_app
from switchboard_platform.http.context import install_context
from switchboard_platform.kafka.broker import EventPublisher, Publisher, build_broker
from switchboard_platform.observability import configure_observability

SERVICE = "ingest-svc"


def create_app(
    settings: IngestSettings | None = None, publisher: Publisher | None = None
) -> FastAPI:
    """Build the app; pass `publisher` to run it without a broker (unit tests)."""
    settings = settings or IngestSettings()
    connection = None
    if publisher is None:
        broker = build_broker(settings.kafka, client_id=SERVICE, traced=settings.tracing.enabled)
        connection = KafkaConnection(
            broker,
            settings.kafka.bootstrap_servers,
            probe_timeout=settings.kafka_probe_timeout_seconds,
        )
        publisher = BoundedPublisher(
            EventPublisher(broker, settings.kafka),
            timeout=settings.publish_timeout_seconds,
            connected=lambda: connection.connected,
        )
    else:
        publisher = BoundedPublisher(publisher, timeout=settings.publish_timeout_seconds)
    context = IngestContext(settings=settings, publisher=publisher)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        configure_observability(SERVICE, settings)
        # Kafka being down must not keep the edge from answering: it starts, says 503 to
        # deliveries and "unavailable" on /readyz, and connects as soon as Kafka answers.
        connecting = asyncio.create_task(connection.run()) if connection else None
        try:
            yield
        finally:
            if connecting is not None and connection is not None:
                connecting.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await connecting
                await connection.stop()

    async def kafka_ready() -> bool:
        return connection is None or await connection.ready()

    app = create_service_app(
        title="Switchboard ingest-svc",
        description="The public Twitter webhook edge: CRC, signature checks, and every "
        "delivery turned into events on twitter.activity.v1 before it is acknowledged.",
        lifespan=lifespan,
        traced=settings.tracing.enabled,
        checks={"kafka": kafka_ready},
    )
    install_context(app, context)
    app.include_router(webhooks.router)
    return app


def openapi_app() -> FastAPI:
    """The app with placeholder settings, for the committed OpenAPI document."""
    return create_app(IngestSettings(twitter_consumer_secret="placeholder"))  # noqa: S106 - not a secret
