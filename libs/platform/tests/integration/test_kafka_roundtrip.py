"""An envelope through the real broker: published with the shared producer, read back."""

from typing import Any

import pytest

from switchboard_contracts.events.channels import (
    ChannelSnapshot,
)
from switchboard_contracts.topics import CHANNELS
from switchboard_platform.kafka.broker import EventPublisher, build_broker
from switchboard_platform.settings import KafkaSettings
from switchboard_testing.builders import channel_snapshot
from switchboard_testing.kafka import consume_until

pytestmark = pytest.mark.integration


def snapshot(revision: int = 1) -> ChannelSnapshot:
    return channel_snapshot(revision=revision)


async def test_envelope_round_trips_through_the_real_broker(
    kafka_bootstrap_servers: str, topic_prefix: str
) -> None:
    settings = KafkaSettings(bootstrap_servers=kafka_bootstrap_servers, topic_prefix=topic_prefix)
    broker = build_broker(settings, client_id="roundtrip-test")
    publisher = EventPublisher(broker, settings)
    event = snapshot()
    await broker.start()
    try:
        await publisher.publish(CHANNELS, event, key=str(event.payload.channel_id))
    finally:
        await broker.stop()

    seen = await consume_until(
        kafka_bootstrap_servers,
        publisher.topic_name(CHANNELS),
        lambda messages: any(_event_id(m) == str(event.event_id) for m in messages),
    )
    [message] = [m for m in seen if _event_id(m) == str(event.event_id)]
    assert message["key"] == str(event.payload.channel_id)
    assert message["headers"]["event-type"] == "channel.snapshot"
    parsed = CHANNELS.adapter.validate_python(message["value"])
    assert parsed == event


def _event_id(message: dict[str, Any]) -> object:
    value = message["value"]
    return value.get("event_id") if isinstance(value, dict) else None
