"""The shared consumer on the real broker: effects after parsing, dead letters with reasons
for what can never succeed, unknown event types skipped, and the partition moving on."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.consumer.fetcher import Fetcher
from aiokafka.partitioner import DefaultPartitioner
from prometheus_client import REGISTRY

from switchboard_contracts.envelope import Event
from switchboard_contracts.events.channels import ChannelSnapshot
from switchboard_contracts.topics import CHANNELS
from switchboard_platform.kafka.broker import EventPublisher, OutgoingRecord, build_broker, encode
from switchboard_platform.kafka.consumer import (
    Handler,
    PermanentError,
    RetryLaterError,
    Subscription,
)
from switchboard_platform.kafka.topics import ensure_topics
from switchboard_platform.settings import KafkaSettings
from switchboard_testing.builders import channel_snapshot
from switchboard_testing.kafka import consume_until

pytestmark = pytest.mark.integration


async def committed_everything(bootstrap: str, topic: str, group: str) -> bool:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        # A fresh consumer knows no topics yet: without this the list below is empty and
        # the comparison vacuously true.
        await consumer._client.force_metadata_update()
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        assert partitions, f"no partitions known for {topic}"
        ends = await consumer.end_offsets(partitions)
        committed = {tp: await consumer.committed(tp) or 0 for tp in partitions}
        return bool(committed == ends)
    finally:
        await consumer.stop()


async def test_poison_messages_are_dead_lettered_and_the_partition_moves_on(
    kafka_bootstrap_servers: str, topic_prefix: str
) -> None:
    settings = KafkaSettings(bootstrap_servers=kafka_bootstrap_servers, topic_prefix=topic_prefix)
    key = f"k-{uuid.uuid4().hex}"
    good, poisoned = channel_snapshot(revision=1), channel_snapshot(revision=2)
    handled: list[Event[Any]] = []

    async def handler(event: Event[Any]) -> None:
        assert isinstance(event, ChannelSnapshot)
        if event.event_id == poisoned.event_id:
            raise PermanentError("unknown_channel", "no such channel in this organization")
        handled.append(event)

    broker = build_broker(settings, client_id="consumer-test")
    publisher = EventPublisher(broker, settings)
    group = f"consumer-test-{uuid.uuid4().hex[:8]}"
    Subscription(
        topic=CHANNELS,
        group_id=group,
        handler=handler,
        publisher=publisher,
        service="consumer-test",
    ).register(broker)
    topic = publisher.topic_name(CHANNELS)
    unknown = json.loads(encode(good)) | {"type": "channel.renamed_in_the_future"}
    await broker.start()
    try:
        await publisher.publish_raw(topic, b"{not json", key=key, event_type="?")
        await publisher.publish_raw(
            topic, b'{"type": "channel.snapshot"}', key=key, event_type="channel.snapshot"
        )
        await publisher.publish_raw(
            topic, json.dumps(unknown).encode(), key=key, event_type="channel.renamed_in_the_future"
        )
        await publisher.publish(CHANNELS, poisoned, key=key)
        await publisher.publish(CHANNELS, good, key=key)

        letters = await consume_until(
            kafka_bootstrap_servers,
            publisher.topic_name_of(CHANNELS.dlq),
            lambda seen: sum(m["key"] == key for m in seen) >= 3,
            within=60,
        )
        async with asyncio.timeout(30):  # the offset is committed after the handler returns
            while not await committed_everything(kafka_bootstrap_servers, topic, group):
                await asyncio.sleep(0.2)
    finally:
        await broker.stop()

    ours = [m["value"]["payload"] for m in letters if m["key"] == key]
    assert [p["error_type"] for p in ours] == [
        "invalid_json",
        "validation_error",
        "unknown_channel",
    ]
    assert ours[0]["value"] == "{not json"
    assert "payload" in ours[1]["error"]  # names the missing field
    assert ours[2]["error"] == "no such channel in this organization"
    assert ours[2]["original_event_id"] == str(poisoned.event_id)
    assert all(p["consumer_group"] == group and p["source_topic"] == "channels.v1" for p in ours)
    ours_handled = [e.event_id for e in handled if e.event_id in {good.event_id, poisoned.event_id}]
    assert ours_handled == [good.event_id]

    def consumed(outcome: str) -> float:
        return (
            REGISTRY.get_sample_value(
                "sb_consumer_messages_total",
                {"topic": "channels.v1", "group": group, "outcome": outcome},
            )
            or 0.0
        )

    assert (consumed("dead_lettered"), consumed("skipped")) == (3, 1)
    assert consumed("handled") >= 1
    lags = [
        REGISTRY.get_sample_value(
            "sb_consumer_lag", {"topic": "channels.v1", "partition": str(p), "group": group}
        )
        for p in range(CHANNELS.partitions)
    ]
    assert [lag for lag in lags if lag is not None] != []  # lag seen where it handled


async def test_the_fetcher_fetches_ahead_while_a_batch_is_handled(
    kafka_bootstrap_servers: str, topic_prefix: str
) -> None:
    """`_keep_fetching` reaches into aiokafka's fetcher: this fails if aiokafka renames what
    it sets (the consumer would go back to fetching only between batches)."""
    settings = KafkaSettings(bootstrap_servers=kafka_bootstrap_servers, topic_prefix=topic_prefix)
    event = channel_snapshot()
    handled = asyncio.Event()

    async def handler(seen: Event[Any]) -> None:
        if seen.event_id == event.event_id:
            handled.set()

    broker = build_broker(settings, client_id="consumer-test")
    publisher = EventPublisher(broker, settings)
    Subscription(
        topic=CHANNELS,
        group_id=f"consumer-test-{uuid.uuid4().hex[:8]}",
        handler=handler,
        publisher=publisher,
        service="consumer-test",
    ).register(broker)
    await broker.start()
    try:
        [subscriber] = broker.subscribers
        fetcher = subscriber.consumer._fetcher  # type: ignore[attr-defined]
        assert isinstance(fetcher, Fetcher)
        assert fetcher._prefetch_backoff > 0  # aiokafka's own, until the first batch
        await publisher.publish(CHANNELS, event, key=str(event.payload.channel_id))
        async with asyncio.timeout(30):
            await handled.wait()
        assert fetcher._prefetch_backoff == 0
    finally:
        await broker.stop()


async def test_a_batch_is_handled_in_one_transaction_and_a_poisoned_one_one_at_a_time(  # noqa: PLR0915 - one story, told in order
    kafka_bootstrap_servers: str, topic_prefix: str
) -> None:
    """Events waiting together share one transaction; when one of them fails, that
    transaction is rolled back and each is handled alone: the poisoned one is dead-lettered
    and every other one takes effect exactly once."""
    settings = KafkaSettings(bootstrap_servers=kafka_bootstrap_servers, topic_prefix=topic_prefix)
    key = f"k-{uuid.uuid4().hex}"
    first = [channel_snapshot(revision=r) for r in range(1, 31)]
    poisoned = channel_snapshot(revision=31)
    second = [channel_snapshot(revision=r) for r in range(32, 41)]
    ours = {e.event_id for e in [*first, poisoned, *second]}
    committed: list[uuid.UUID] = []  # the effects of committed transactions
    transactions: list[int] = []  # how many of our events each committed transaction held
    opened: list[int] = []  # how many events each batch transaction was given, up front

    def apply(pending: list[uuid.UUID], event: Event[Any]) -> None:
        if event.event_id == poisoned.event_id:
            raise PermanentError("unknown_channel", "no such channel")
        if event.event_id in ours:
            pending.append(event.event_id)

    @asynccontextmanager
    async def transaction(batch: Sequence[Event[Any]]) -> AsyncIterator[Handler]:
        pending: list[uuid.UUID] = []
        opened.append(len(batch))

        async def handle(event: Event[Any]) -> None:
            apply(pending, event)

        yield handle  # an exception leaves `pending` uncommitted: a rollback
        committed.extend(pending)
        transactions.append(len(pending))

    async def alone(event: Event[Any]) -> None:
        pending: list[uuid.UUID] = []
        apply(pending, event)
        committed.extend(pending)
        transactions.append(len(pending))

    broker = build_broker(settings, client_id="consumer-test")
    publisher = EventPublisher(broker, settings)
    topic = publisher.topic_name(CHANNELS)
    group = f"consumer-test-{uuid.uuid4().hex[:8]}"
    Subscription(
        topic=CHANNELS,
        group_id=group,
        handler=alone,
        batch=transaction,
        max_batch=10,  # 30 clean events first: batches of them, then the poisoned one's
        publisher=publisher,
        service="consumer-test",
    ).register(broker)
    await broker.connect()  # the producer only: all wait in the partition before the fetch
    await publisher.publish_batch(
        [OutgoingRecord(topic, key, encode(e), e.type) for e in [*first, poisoned, *second]]
    )
    await broker.start()
    try:
        async with asyncio.timeout(60):
            while len(set(committed)) < len(ours) - 1:
                await asyncio.sleep(0.1)
            while not await committed_everything(kafka_bootstrap_servers, topic, group):
                await asyncio.sleep(0.2)
        letters = await consume_until(
            kafka_bootstrap_servers,
            publisher.topic_name_of(CHANNELS.dlq),
            lambda seen: any(m["key"] == key for m in seen),
        )
    finally:
        await broker.stop()
    assert sorted(committed) == sorted(ours - {poisoned.event_id})  # each exactly once
    assert max(transactions) > 1  # some were handled together
    assert max(opened) > 1  # and the opener was given them before their handling
    [letter] = [m["value"]["payload"] for m in letters if m["key"] == key]
    assert letter["original_event_id"] == str(poisoned.event_id)
    assert letter["error_type"] == "unknown_channel"


async def test_retry_later_is_retried_without_limit_and_never_dead_lettered(
    kafka_bootstrap_servers: str, topic_prefix: str
) -> None:
    """A handler's `RetryLaterError` (not yet) is the platform's contract: retried past
    `max_attempts`, in order, until the handler takes the message."""
    settings = KafkaSettings(bootstrap_servers=kafka_bootstrap_servers, topic_prefix=topic_prefix)
    key = f"k-{uuid.uuid4().hex}"
    first, second = channel_snapshot(revision=1), channel_snapshot(revision=2)
    ours = {first.event_id, second.event_id}
    tries: list[uuid.UUID] = []

    async def handler(event: Event[Any]) -> None:
        if event.event_id not in ours:
            return
        tries.append(event.event_id)
        if len(tries) <= 3:  # more than max_attempts
            raise RetryLaterError("not yet")

    broker = build_broker(settings, client_id="consumer-test")
    publisher = EventPublisher(broker, settings)
    group = f"consumer-test-{uuid.uuid4().hex[:8]}"
    Subscription(
        topic=CHANNELS,
        group_id=group,
        handler=handler,
        publisher=publisher,
        service="consumer-test",
        max_attempts=1,
    ).register(broker)
    topic = publisher.topic_name(CHANNELS)
    await broker.start()
    try:
        await publisher.publish(CHANNELS, first, key=key)
        await publisher.publish(CHANNELS, second, key=key)
        async with asyncio.timeout(60):
            while not await committed_everything(kafka_bootstrap_servers, topic, group):
                await asyncio.sleep(0.2)
    finally:
        await broker.stop()
    assert tries == [first.event_id] * 4 + [second.event_id]


def keys_of_one_partition(count: int, partitions: int) -> list[uuid.UUID]:
    """Keys the producer puts on the same partition (one fetch brings all their records)."""
    partitioner = DefaultPartitioner()
    every = list(range(partitions))
    keys: list[uuid.UUID] = []
    while len(keys) < count:
        key = uuid.uuid4()
        if partitioner(str(key).encode(), every, every) == 0:
            keys.append(key)
    return keys


async def test_without_a_batch_transaction_keys_are_handled_at_once_and_each_in_order(
    kafka_bootstrap_servers: str, topic_prefix: str
) -> None:
    """With `max_batch` and no `batch`, each event has its own handling, and those of
    different keys run at the same time (a reply to one conversation does not wait for
    Twitter to answer another's); one key's events are still handled one after another, in
    order; and the offsets are committed once all are done."""
    # A topic of its own: what other tests left in the session's would share the batch.
    prefix = f"{topic_prefix}lanes-{uuid.uuid4().hex[:6]}."
    await ensure_topics(kafka_bootstrap_servers, prefix=prefix, topics=(CHANNELS,))
    settings = KafkaSettings(bootstrap_servers=kafka_bootstrap_servers, topic_prefix=prefix)
    keys = keys_of_one_partition(3, CHANNELS.partitions)  # fetched together, in one batch
    events = {k: [channel_snapshot(channel_id=k, revision=r) for r in (1, 2, 3)] for k in keys}
    ours = {e.event_id for lane in events.values() for e in lane}
    started: set[uuid.UUID] = set()
    everyone_started = asyncio.Event()
    running: dict[uuid.UUID, int] = dict.fromkeys(keys, 0)
    overlapping_in_a_key: list[uuid.UUID] = []
    handled: dict[uuid.UUID, list[int]] = {k: [] for k in keys}

    async def handler(event: Event[Any]) -> None:
        if event.event_id not in ours:
            return
        key = event.payload.channel_id
        running[key] += 1
        try:
            if running[key] > 1:
                overlapping_in_a_key.append(key)
            started.add(key)
            if started == set(keys):
                everyone_started.set()
            # Each key's first event waits until every key has begun: handled one at a
            # time, the first would wait here for ever.
            async with asyncio.timeout(20):
                await everyone_started.wait()
            await asyncio.sleep(0.01)  # a second event of the key would overlap here
            handled[key].append(event.payload.revision)
        finally:
            running[key] -= 1

    broker = build_broker(settings, client_id="consumer-test")
    publisher = EventPublisher(broker, settings)
    topic = publisher.topic_name(CHANNELS)
    group = f"consumer-test-{uuid.uuid4().hex[:8]}"
    Subscription(
        topic=CHANNELS,
        group_id=group,
        handler=handler,
        max_batch=16,
        publisher=publisher,
        service="consumer-test",
    ).register(broker)
    await broker.connect()  # the producer only: all wait in the partitions before the fetch
    await publisher.publish_batch(
        [
            OutgoingRecord(topic, str(k), encode(e), e.type)
            for r in range(3)
            for k in keys
            for e in [events[k][r]]
        ]
    )
    await broker.start()
    try:
        async with asyncio.timeout(60):
            while any(len(revisions) < 3 for revisions in handled.values()):
                await asyncio.sleep(0.05)
            while not await committed_everything(kafka_bootstrap_servers, topic, group):
                await asyncio.sleep(0.2)
    finally:
        await broker.stop()

    assert everyone_started.is_set()
    assert handled == {k: [1, 2, 3] for k in keys}
    assert overlapping_in_a_key == []
