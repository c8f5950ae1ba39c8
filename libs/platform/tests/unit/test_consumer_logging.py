"""A handler's log lines carry the event's correlation id, id and type."""

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import pytest
import structlog
from aiokafka import ConsumerRecord

from switchboard_contracts.envelope import Event
from switchboard_contracts.topics import CHANNELS, Topic
from switchboard_platform.kafka.broker import OutgoingRecord, encode
from switchboard_platform.kafka.consumer import Subscription
from switchboard_platform.logs import get_logger
from switchboard_testing.builders import channel_snapshot

pytestmark = pytest.mark.unit


class NoPublisher:
    """Nothing is published on the handled path; anything else fails the test."""

    def topic_name(self, topic: Topic) -> str:
        return topic.name

    async def publish(self, topic: Topic, event: Event[Any], *, key: str) -> None:
        raise AssertionError(f"unexpected publish to {topic.name}")

    async def publish_batch(self, records: Sequence[OutgoingRecord]) -> None:
        raise AssertionError("unexpected publish")


async def test_handler_logs_are_bound_to_the_event() -> None:
    event = channel_snapshot()

    async def handler(_: Event[Any]) -> None:
        get_logger("handler").info("handling")

    subscription = Subscription(
        topic=CHANNELS, group_id="g", handler=handler, publisher=NoPublisher(), service="test"
    )
    record = ConsumerRecord(
        topic="channels.v1",
        partition=0,
        offset=7,
        timestamp=0,
        timestamp_type=0,
        key=b"k",
        value=encode(event),
        checksum=None,
        serialized_key_size=1,
        serialized_value_size=1,
        headers=(),
    )
    message = SimpleNamespace(body=encode(event), raw_message=record, consumer=None, headers={})
    with structlog.testing.capture_logs(
        processors=[structlog.contextvars.merge_contextvars]
    ) as logs:
        await subscription.on_message(message)  # type: ignore[arg-type]
    [line] = [line for line in logs if line["event"] == "handling"]
    assert line["correlation_id"] == str(event.correlation_id)
    assert line["event_id"] == str(event.event_id)
    assert line["event_type"] == "channel.snapshot"
