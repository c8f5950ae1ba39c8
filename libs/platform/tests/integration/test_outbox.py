"""The outbox against real PostgreSQL and Kafka: committed events are published and removed;
rolled-back ones never leave."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from faststream.exceptions import IncorrectState
from prometheus_client import REGISTRY
from sqlalchemy import MetaData, Table, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from switchboard_contracts.topics import CHANNELS
from switchboard_platform.db.engine import create_engine, session_factory
from switchboard_platform.db.outbox import OutboxRelay, enqueue, outbox_table
from switchboard_platform.kafka.broker import EventPublisher, build_broker
from switchboard_platform.settings import KafkaSettings
from switchboard_testing.builders import channel_snapshot
from switchboard_testing.kafka import consume_until

pytestmark = pytest.mark.integration


def published(topic: str) -> float:
    return REGISTRY.get_sample_value("sb_outbox_published_total", {"topic": topic}) or 0.0


@dataclass(frozen=True)
class Outbox:
    engine: AsyncEngine
    table: Table
    publisher: EventPublisher


@pytest.fixture
async def setup(
    fresh_database_url: str, kafka_bootstrap_servers: str, topic_prefix: str
) -> AsyncIterator[Outbox]:
    metadata = MetaData()
    table = outbox_table(metadata)
    engine = create_engine(fresh_database_url)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    settings = KafkaSettings(bootstrap_servers=kafka_bootstrap_servers, topic_prefix=topic_prefix)
    broker = build_broker(settings, client_id="outbox-test")
    await broker.start()
    publisher = EventPublisher(broker, settings)
    yield Outbox(engine, table, publisher)
    await broker.stop()
    await engine.dispose()


async def test_committed_events_are_published_in_order_and_removed(
    setup: Outbox, kafka_bootstrap_servers: str
) -> None:
    engine, table, publisher = setup.engine, setup.table, setup.publisher
    sessions = session_factory(engine)
    key = str(uuid.uuid4())
    events = [channel_snapshot(revision=revision) for revision in (1, 2, 3)]
    async with sessions.begin() as session:
        for event in events:
            await enqueue(session, table, CHANNELS, event, key=key)
    published_before = published("channels.v1")
    relay = OutboxRelay(engine, table, publisher, idle_seconds=0.2)
    task = asyncio.create_task(relay.run())
    try:
        seen = await consume_until(
            kafka_bootstrap_servers,
            publisher.topic_name(CHANNELS),
            lambda messages: sum(m["key"] == key for m in messages) >= 3,
        )
    finally:
        task.cancel()
    ids = [m["value"]["event_id"] for m in seen if m["key"] == key]
    assert ids == [str(event.event_id) for event in events]
    async with engine.connect() as connection:
        assert await connection.scalar(select(func.count()).select_from(table)) == 0
    assert published("channels.v1") - published_before >= 3
    assert REGISTRY.get_sample_value("sb_outbox_backlog") == 0


async def test_rolled_back_events_never_leave(setup: Outbox) -> None:
    engine, table, publisher = setup.engine, setup.table, setup.publisher
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        await enqueue(session, table, CHANNELS, channel_snapshot(), key="k")
        await session.rollback()
    relay = OutboxRelay(engine, table, publisher)
    assert await relay.publish_pending() == 0


async def test_a_batch_kafka_did_not_acknowledge_stays_in_the_outbox(
    setup: Outbox, kafka_bootstrap_servers: str, topic_prefix: str
) -> None:
    engine, table = setup.engine, setup.table
    async with session_factory(engine).begin() as session:
        for revision in (1, 2):
            await enqueue(session, table, CHANNELS, channel_snapshot(revision=revision), key="k")
    settings = KafkaSettings(bootstrap_servers=kafka_bootstrap_servers, topic_prefix=topic_prefix)
    never_started = EventPublisher(build_broker(settings, client_id="outbox-test"), settings)
    with pytest.raises(IncorrectState):
        await OutboxRelay(engine, table, never_started).publish_pending()
    async with engine.connect() as connection:  # the delete was rolled back with the publish
        assert await connection.scalar(select(func.count()).select_from(table)) == 2
    assert await OutboxRelay(engine, table, setup.publisher).publish_pending() == 2
    async with engine.connect() as connection:
        assert await connection.scalar(select(func.count()).select_from(table)) == 0


async def test_only_one_relay_publishes_at_a_time(setup: Outbox) -> None:
    engine, table, publisher = setup.engine, setup.table, setup.publisher
    sessions = session_factory(engine)
    async with sessions.begin() as session:
        await enqueue(session, table, CHANNELS, channel_snapshot(), key="k")
    first = OutboxRelay(engine, table, publisher)
    second = OutboxRelay(engine, table, publisher)
    counts = await asyncio.gather(first.publish_pending(), second.publish_pending())
    assert sorted(counts) == [0, 1]
