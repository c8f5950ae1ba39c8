"""access-svc's view of channels from `channels.v1`, over the real broker: a channel
becomes known, older revisions are ignored, and a snapshot moving a channel to another
organization is dead-lettered, not applied."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from switchboard_contracts.enums import ChannelStatus
from switchboard_contracts.events.channels import ChannelSnapshot
from switchboard_contracts.topics import CHANNELS
from switchboard_platform.kafka.broker import EventPublisher, build_broker
from switchboard_platform.settings import KafkaSettings
from switchboard_testing.builders import channel_snapshot
from switchboard_testing.kafka import consume_until

from .support import Tenant

pytestmark = pytest.mark.integration


@pytest.fixture
async def publisher(
    kafka_bootstrap_servers: str, topic_prefix: str
) -> AsyncIterator[EventPublisher]:
    settings = KafkaSettings(bootstrap_servers=kafka_bootstrap_servers, topic_prefix=topic_prefix)
    broker = build_broker(settings, client_id="channel-svc-stand-in")
    await broker.start()
    yield EventPublisher(broker, settings)
    await broker.stop()


async def publish(
    publisher: EventPublisher, snapshot: ChannelSnapshot, key: uuid.UUID | None = None
) -> None:
    await publisher.publish(CHANNELS, snapshot, key=str(key or snapshot.payload.channel_id))


async def channels_of(tenant: Tenant, *, until: Any, within: float = 30.0) -> list[dict[str, Any]]:
    async with asyncio.timeout(within):
        while True:
            listed = (await tenant.client.get("/v1/channels", headers=tenant.as_admin())).json()
            if until(listed):
                return list(listed)
            await asyncio.sleep(0.1)


async def test_a_published_channel_becomes_known_and_checkable(
    tenant: Tenant, publisher: EventPublisher
) -> None:
    snapshot = channel_snapshot(org_id=tenant.id)
    channel = str(snapshot.payload.channel_id)
    user = await tenant.user()
    assert (await tenant.check(user, channel, "read")).status_code == 404
    await publish(publisher, snapshot)
    await channels_of(tenant, until=lambda listed: [c["id"] for c in listed] == [channel])
    await tenant.grant(channel, f"users/{user}", "viewer")
    assert (await tenant.decision(user, channel))["allowed"]


async def test_snapshots_apply_by_revision_whatever_their_order(
    tenant: Tenant, publisher: EventPublisher
) -> None:
    channel_id = uuid.uuid4()
    for revision, status in [(2, ChannelStatus.DEAUTHORIZED), (1, ChannelStatus.CONNECTED)]:
        await publish(
            publisher,
            channel_snapshot(
                org_id=tenant.id, channel_id=channel_id, revision=revision, status=status
            ),
        )
    # Another channel on the same partition, published last: once it is seen, all were handled.
    await publish(publisher, channel_snapshot(org_id=tenant.id), key=channel_id)
    listed = await channels_of(tenant, until=lambda listed: len(listed) == 2)
    assert {c["id"]: c["status"] for c in listed}[str(channel_id)] == "deauthorized"


async def test_a_channel_never_changes_organization(
    tenant: Tenant,
    other_tenant: Tenant,
    publisher: EventPublisher,
    kafka_bootstrap_servers: str,
    topic_prefix: str,
) -> None:
    original = channel_snapshot(org_id=tenant.id)
    channel = original.payload.channel_id
    await publish(publisher, original)
    await channels_of(tenant, until=lambda listed: len(listed) == 1)
    hijack = channel_snapshot(org_id=other_tenant.id, channel_id=channel, revision=5)
    await publish(publisher, hijack)
    seen = await consume_until(
        kafka_bootstrap_servers,
        f"{topic_prefix}{CHANNELS.dlq}",
        lambda ms: any(
            m["value"]["payload"]["original_event_id"] == str(hijack.event_id) for m in ms
        ),
    )
    [letter] = [
        m for m in seen if m["value"]["payload"]["original_event_id"] == str(hijack.event_id)
    ]
    assert letter["value"]["payload"]["error_type"] == "channel_org_mismatch"
    assert (
        await other_tenant.client.get("/v1/channels", headers=other_tenant.as_admin())
    ).json() == []
    listed = await channels_of(tenant, until=lambda listed: len(listed) == 1)
    assert listed[0]["id"] == str(channel)
