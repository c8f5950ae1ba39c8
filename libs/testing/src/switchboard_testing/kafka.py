"""Reading what services published, from the real broker."""

import asyncio
import json
import uuid
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition


async def consume_until(
    bootstrap_servers: str,
    topic: str,
    predicate: Callable[[list[dict[str, Any]]], bool],
    *,
    within: float = 30.0,
) -> list[dict[str, Any]]:
    """Read `topic` from the beginning until `predicate(messages so far)` holds.

    Each message is `{"key": str | None, "value": <parsed JSON, else text>, "headers": {...}}`.
    Raises `TimeoutError` with what was seen when the predicate never holds.
    """
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap_servers,
        group_id=f"test-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    seen: list[dict[str, Any]] = []
    try:
        async with asyncio.timeout(within):
            while not predicate(seen):
                batch = await consumer.getmany(timeout_ms=200)
                for records in batch.values():
                    seen.extend(_as_dict(record) for record in records)
    except TimeoutError:
        raise TimeoutError(
            f"{topic}: condition not met within {within}s; saw {seen!r}"[:4000]
        ) from None
    finally:
        await consumer.stop()
    return seen


def _as_dict(record: ConsumerRecord[bytes, bytes]) -> dict[str, Any]:
    return {
        "key": record.key.decode() if record.key else None,
        "value": _json_or_text(record.value),
        "headers": {k: v.decode() for k, v in record.headers},
    }


def _json_or_text(value: bytes | None) -> Any:
    if value is None:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return value.decode(errors="replace")


async def read_all(
    bootstrap_servers: str, topic: str, *, within: float = 30.0
) -> list[dict[str, Any]]:
    """Everything in `topic` up to its end offsets at the time of the call."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()  # noqa: SLF001 - a fresh topic list
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        seen: list[dict[str, Any]] = []
        async with asyncio.timeout(within):
            while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
                batch = await consumer.getmany(*partitions, timeout_ms=200)
                seen.extend(_as_dict(record) for records in batch.values() for record in records)
    finally:
        await consumer.stop()
    return seen
