"""An envelope through the real broker: published with the shared producer, read back."""

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from switchboard_contracts.enums import ActorKind, ChannelStatus
from switchboard_contracts.envelope import Actor, Subject
from switchboard_contracts.events.channels import (
    AutoResolve,
    ChannelSnapshot,
    ChannelSnapshotPayload,
)
from switchboard_contracts.topics import CHANNELS
from switchboard_platform.kafka.broker import EventPublisher, build_broker
from switchboard_platform.settings import KafkaSettings
from switchboard_testing.kafka import consume_until

pytestmark = pytest.mark.integration


def snapshot(revision: int = 1) -> ChannelSnapshot:
    channel_id = uuid.uuid4()
    return ChannelSnapshot(
        event_id=uuid.uuid4(),
        occurred_at=datetime.now(UTC),
        org_id=uuid.uuid4(),
        producer="test",
        actor=Actor(kind=ActorKind.SERVICE, id="test"),
        correlation_id=uuid.uuid4(),
        subject=Subject(channel_id=channel_id),
        payload=ChannelSnapshotPayload(
            channel_id=channel_id,
            twitter_account_id="2975699229",
            handle="ScruffyMcG",
            name="Ryan Lue",
            url="https://twitter.com/ScruffyMcG",
            display_name="@ScruffyMcG",
            status=ChannelStatus.CONNECTED,
            auto_ownership=True,
            auto_resolve=AutoResolve(),
            change="connected",
            revision=revision,
            updated_at=datetime.now(UTC),
        ),
    )


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
