"""API and worker processes: an API process publishes but consumes nothing; a worker
consumes what waited for it."""

import asyncio
import uuid
from typing import Any

import pytest

from switchboard_contracts.envelope import Event
from switchboard_contracts.topics import CHANNELS
from switchboard_platform.kafka.broker import EventPublisher, build_broker
from switchboard_platform.kafka.consumer import Subscription
from switchboard_platform.lifecycle import running
from switchboard_platform.settings import KafkaSettings, Role
from switchboard_testing.builders import channel_snapshot

pytestmark = pytest.mark.integration


async def test_an_api_process_publishes_and_a_worker_consumes(
    kafka_bootstrap_servers: str, topic_prefix: str
) -> None:
    settings = KafkaSettings(bootstrap_servers=kafka_bootstrap_servers, topic_prefix=topic_prefix)
    event = channel_snapshot()
    received: asyncio.Future[Event[Any]] = asyncio.get_running_loop().create_future()

    async def handler(seen: Event[Any]) -> None:
        if seen.event_id == event.event_id and not received.done():
            received.set_result(seen)

    broker = build_broker(settings, client_id="roles-test")
    publisher = EventPublisher(broker, settings)
    Subscription(
        topic=CHANNELS,
        group_id=f"roles-test-{uuid.uuid4().hex[:8]}",
        handler=handler,
        publisher=publisher,
        service="roles-test",
    ).register(broker)
    async with running(broker, role=Role.API):
        await publisher.publish(CHANNELS, event, key=str(uuid.uuid4()))  # the producer works
        assert broker.subscribers
        assert not any(subscriber.running for subscriber in broker.subscribers)
    assert not received.done()
    async with running(broker, role=Role.WORKER):
        assert all(subscriber.running for subscriber in broker.subscribers)
        assert (await asyncio.wait_for(received, timeout=30)).event_id == event.event_id


class CountingRelay:
    """Stands in for an OutboxRelay: only whether it ran is looked at."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self._stop = asyncio.Event()

    async def run(self) -> None:
        self.started.set()
        await self._stop.wait()

    def stop(self) -> None:
        self._stop.set()


async def test_a_relay_process_relays_and_consumes_nothing(
    kafka_bootstrap_servers: str, topic_prefix: str
) -> None:
    settings = KafkaSettings(bootstrap_servers=kafka_bootstrap_servers, topic_prefix=topic_prefix)
    broker = build_broker(settings, client_id="roles-test")

    async def handler(_: Event[Any]) -> None: ...

    Subscription(
        topic=CHANNELS,
        group_id=f"roles-test-{uuid.uuid4().hex[:8]}",
        handler=handler,
        publisher=EventPublisher(broker, settings),
        service="roles-test",
    ).register(broker)
    for role, relays in ((Role.RELAY, True), (Role.API, False)):
        relay = CountingRelay()
        async with running(broker, [relay], role=role):  # type: ignore[list-item]
            await asyncio.sleep(0.2)
            assert relay.started.is_set() is relays
            assert not any(subscriber.running for subscriber in broker.subscribers)
