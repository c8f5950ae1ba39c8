"""Channel changes -> `channels.v1` snapshots: the one place that shape is decided.
Credentials are not part of a `Channel`, so they cannot end up here."""

import uuid

from switchboard_channel.domain.channel import Change, Channel
from switchboard_contracts.envelope import Actor, Subject
from switchboard_contracts.events.channels import (
    AutoResolve,
    ChannelSnapshot,
    ChannelSnapshotPayload,
)
from switchboard_contracts.topics import CHANNELS

PRODUCER = "channel-svc"
# A revision has exactly one event, whoever computes it.
EVENT_NAMESPACE = uuid.UUID("7b1c2f64-6a0e-4c55-9a51-0f3e8d2c4a17")


def snapshot(
    channel: Channel,
    change: Change,
    *,
    actor: Actor,
    correlation_id: uuid.UUID,
    causation_id: uuid.UUID | None = None,
) -> ChannelSnapshot:
    settings = channel.settings
    return ChannelSnapshot(
        event_id=uuid.uuid5(EVENT_NAMESPACE, f"{channel.id}/{channel.revision}"),
        occurred_at=channel.updated_at,
        org_id=channel.org_id,
        producer=PRODUCER,
        actor=actor,
        correlation_id=correlation_id,
        causation_id=causation_id,
        subject=Subject(channel_id=channel.id, twitter_account_id=channel.twitter_account_id),
        payload=ChannelSnapshotPayload(
            channel_id=channel.id,
            twitter_account_id=channel.twitter_account_id,
            handle=channel.handle,
            name=channel.name,
            url=channel.url,
            display_name=settings.display_name,
            status=channel.status,
            auto_ownership=settings.auto_ownership,
            auto_resolve=AutoResolve(
                enabled=settings.auto_resolve.enabled,
                new_after_seconds=settings.auto_resolve.new_after_seconds,
                pending_after_seconds=settings.auto_resolve.pending_after_seconds,
            ),
            change=change,
            revision=channel.revision,
            updated_at=channel.updated_at,
        ),
    )


TOPIC = CHANNELS
