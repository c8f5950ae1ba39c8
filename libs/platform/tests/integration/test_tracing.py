"""Trace context through the real broker and database: the outbox keeps the writer's
context and the relay publishes under it; consumers continue the trace in the headers;
with no trace, nothing is stored and no header is written."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import MetaData, Table, select
from sqlalchemy.ext.asyncio import AsyncEngine

from switchboard_contracts.envelope import Event
from switchboard_contracts.topics import CHANNELS
from switchboard_platform.db.engine import create_engine, session_factory
from switchboard_platform.db.outbox import OutboxRelay, enqueue, outbox_table
from switchboard_platform.kafka.broker import EventPublisher, build_broker
from switchboard_platform.kafka.consumer import Subscription
from switchboard_platform.settings import KafkaSettings
from switchboard_testing.builders import channel_snapshot
from switchboard_testing.kafka import consume_until
from switchboard_testing.traces import Span, finished, recording_spans

pytestmark = pytest.mark.integration
tracer = trace.get_tracer(__name__)


@pytest.fixture
def spans() -> InMemorySpanExporter:
    exporter = recording_spans()
    exporter.clear()
    return exporter


@pytest.fixture
async def outbox(fresh_database_url: str) -> AsyncIterator[tuple[AsyncEngine, Table]]:
    metadata = MetaData()
    table = outbox_table(metadata)
    engine = create_engine(fresh_database_url)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield engine, table
    await engine.dispose()


def settings(bootstrap: str, prefix: str) -> KafkaSettings:
    return KafkaSettings(bootstrap_servers=bootstrap, topic_prefix=prefix)


def hex_id(value: int, width: int) -> str:
    return format(value, f"0{width}x")


def ancestors(span: Span, spans: list[Span]) -> list[str]:
    """The names of `span`'s parents, nearest first, as far as `spans` reach."""
    by_id = {s.span_id: s for s in spans}
    names = []
    while span.parent_span_id in by_id:
        span = by_id[span.parent_span_id]
        names.append(span.name)
    return names


async def test_an_outbox_event_is_published_in_the_trace_of_the_transaction_that_wrote_it(
    spans: InMemorySpanExporter,
    outbox: tuple[AsyncEngine, Table],
    kafka_bootstrap_servers: str,
    topic_prefix: str,
) -> None:
    engine, table = outbox
    kafka = settings(kafka_bootstrap_servers, topic_prefix)
    broker = build_broker(kafka, client_id="tracing-test", traced=True)
    publisher = EventPublisher(broker, kafka)
    key = str(uuid.uuid4())
    with tracer.start_as_current_span("handle the command") as writer:
        async with session_factory(engine).begin() as session:
            await enqueue(session, table, CHANNELS, channel_snapshot(), key=key)
    trace_id = hex_id(writer.get_span_context().trace_id, 32)
    async with engine.connect() as connection:
        stored = await connection.scalar(select(table.c.trace_context))
    assert stored is not None
    assert stored["traceparent"].split("-")[1] == trace_id

    await broker.start()
    try:
        # The relay runs later, outside any span: the row's context is what it continues.
        assert await OutboxRelay(engine, table, publisher).publish_pending() == 1
    finally:
        await broker.stop()
    [record] = [
        m
        for m in await consume_until(
            kafka_bootstrap_servers,
            publisher.topic_name(CHANNELS),
            lambda seen: any(m["key"] == key for m in seen),
        )
        if m["key"] == key
    ]
    assert record["headers"]["traceparent"].split("-")[1] == trace_id
    [publish] = [s for s in finished(spans) if s.name.endswith("channels.v1 publish")]
    assert publish.trace_id == trace_id
    assert publish.kind == "producer"
    assert "handle the command" in ancestors(publish, finished(spans))


async def test_without_a_trace_nothing_is_stored_and_no_header_is_written(
    outbox: tuple[AsyncEngine, Table], kafka_bootstrap_servers: str, topic_prefix: str
) -> None:
    engine, table = outbox
    kafka = settings(kafka_bootstrap_servers, topic_prefix)
    broker = build_broker(kafka, client_id="tracing-test")  # tracing off
    publisher = EventPublisher(broker, kafka)
    key = str(uuid.uuid4())
    async with session_factory(engine).begin() as session:
        await enqueue(session, table, CHANNELS, channel_snapshot(), key=key)
    async with engine.connect() as connection:
        assert await connection.scalar(select(table.c.trace_context)) is None
    await broker.start()
    try:
        assert await OutboxRelay(engine, table, publisher).publish_pending() == 1
    finally:
        await broker.stop()
    seen = await consume_until(
        kafka_bootstrap_servers,
        publisher.topic_name(CHANNELS),
        lambda seen: any(m["key"] == key for m in seen),
    )
    [record] = [m for m in seen if m["key"] == key]
    assert "traceparent" not in record["headers"]


async def test_a_consumer_handles_a_record_in_the_trace_its_headers_name(
    spans: InMemorySpanExporter, kafka_bootstrap_servers: str, topic_prefix: str
) -> None:
    kafka = settings(kafka_bootstrap_servers, topic_prefix)
    broker = build_broker(kafka, client_id="tracing-test", traced=True)
    publisher = EventPublisher(broker, kafka)
    event = channel_snapshot()
    seen_in: asyncio.Future[trace.SpanContext] = asyncio.get_running_loop().create_future()

    async def handler(received: Event[Any]) -> None:
        if received.event_id == event.event_id and not seen_in.done():
            seen_in.set_result(trace.get_current_span().get_span_context())

    Subscription(
        topic=CHANNELS,
        group_id=f"tracing-test-{uuid.uuid4().hex[:8]}",
        handler=handler,
        publisher=publisher,
        service="tracing-test",
    ).register(broker)
    await broker.start()
    try:
        with tracer.start_as_current_span("an HTTP request") as origin:
            await publisher.publish(CHANNELS, event, key=str(uuid.uuid4()))
        handled_in = await asyncio.wait_for(seen_in, timeout=30)
    finally:
        await broker.stop()
    assert handled_in.trace_id == origin.get_span_context().trace_id
    recorded = finished(spans)
    [process] = [s for s in recorded if s.span_id == hex_id(handled_in.span_id, 16)]
    assert (process.kind, process.name) == ("consumer", f"{publisher.topic_name(CHANNELS)} process")
    assert "an HTTP request" in ancestors(process, recorded)
