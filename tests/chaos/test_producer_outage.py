"""Every service's producer comes back after a Kafka outage longer than its request timeout.

The chaos run found it: after the broker had been down ~20 s, ingest-svc kept answering 503
to most deliveries long after Kafka was back. Records that waited past the request timeout
for a partition with no leader were dropped by the (then idempotent) producer after taking
their sequence numbers, and the broker refused every later batch to those partitions with
OutOfOrderSequenceNumber. Here the platform's producer, publishing as ingest-svc does (a
deadline per publish, a stream of them), lives through a broker stop and start of its own
Kafka, and then every partition must take records again.
"""

import asyncio
import time
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from switchboard_chaos.infra import OwnInfra, Ports
from switchboard_platform.kafka.broker import EventPublisher, OutgoingRecord, build_broker
from switchboard_platform.settings import KafkaSettings
from switchboard_testing.processes import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

TOPIC = "producer-outage"
PARTITIONS = 12
REQUEST_TIMEOUT_MS = 3_000
PUBLISH_DEADLINE = 1.0  # ingest-svc's is 2 s: well under the request timeout either way
KEYS = [f"account-{n}" for n in range(4 * PARTITIONS)]  # every partition, most likely
BACK_WITHIN = 30.0  # after the broker answers again


async def test_the_producer_publishes_to_every_partition_after_a_long_outage(
    tmp_path: Path,
) -> None:
    infra = OwnInfra(tmp_path, Ports(kafka=free_port(), kafka_controller=free_port()))
    await asyncio.to_thread(infra.start_kafka)
    try:
        await _create_topic(infra.kafka_bootstrap_servers)
        settings = KafkaSettings(
            bootstrap_servers=infra.kafka_bootstrap_servers, request_timeout_ms=REQUEST_TIMEOUT_MS
        )
        broker = build_broker(settings, client_id="producer-outage-test")
        await broker.start()
        try:
            publisher = EventPublisher(broker, settings)
            assert await _publish_every_key(publisher) == {}  # a healthy start

            stop = asyncio.Event()
            stream = asyncio.create_task(_publish_until(publisher, stop))
            await asyncio.to_thread(infra.stop_kafka)
            await asyncio.sleep(2 * REQUEST_TIMEOUT_MS / 1000)  # records expire meanwhile
            await asyncio.to_thread(infra.start_kafka)
            await asyncio.sleep(2.0)  # and the stream goes on through the broker's start
            stop.set()
            attempted = await stream
            assert attempted > 0

            deadline = time.monotonic() + BACK_WITHIN
            failures = await _publish_every_key(publisher)
            while failures and time.monotonic() < deadline:
                await asyncio.sleep(1.0)
                failures = await _publish_every_key(publisher)
            assert failures == {}, (
                f"{len(failures)} of {len(KEYS)} keys still refused {BACK_WITHIN:.0f} s after "
                f"Kafka was back: {sorted(set(failures.values()))}"
            )
        finally:
            await broker.stop()
    finally:
        await asyncio.to_thread(infra.stop_kafka)


async def _create_topic(servers: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=servers)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(TOPIC, PARTITIONS, 1)])
    finally:
        await admin.close()


async def _publish(publisher: EventPublisher, key: str) -> str | None:
    """None when acknowledged within the deadline, else what went wrong."""
    record = OutgoingRecord(TOPIC, key, b'{"n": 1}', "test.outage")
    try:
        async with asyncio.timeout(PUBLISH_DEADLINE):
            await publisher.publish_batch([record])
    except Exception as exc:  # noqa: BLE001 - every failure is a finding here
        return type(exc).__name__
    return None


async def _publish_every_key(publisher: EventPublisher) -> dict[str, str]:
    outcomes = await asyncio.gather(*(_publish(publisher, key) for key in KEYS))
    return {key: error for key, error in zip(KEYS, outcomes, strict=True) if error is not None}


async def _publish_until(publisher: EventPublisher, stop: asyncio.Event) -> int:
    """A record every 20 ms, each with its deadline, as deliveries keep arriving."""
    tasks: list[asyncio.Task[str | None]] = []
    n = 0
    while not stop.is_set():
        tasks.append(asyncio.create_task(_publish(publisher, KEYS[n % len(KEYS)])))
        n += 1
        await asyncio.sleep(0.02)
    await asyncio.gather(*tasks)
    return len(tasks)
