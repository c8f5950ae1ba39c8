"""Events as other services would publish them, for tests and demos."""

import uuid
from datetime import UTC, datetime

from switchboard_contracts.enums import ActorKind, ChannelStatus
from switchboard_contracts.envelope import Actor, Subject
from switchboard_contracts.events.channels import (
    AutoResolve,
    ChannelSnapshot,
    ChannelSnapshotPayload,
)

SAMPLE_ACCOUNT_ID = "2975699229"  # @ScruffyMcG, the account of the shared webhook samples
SAMPLE_HANDLE = "ScruffyMcG"


def channel_snapshot(
    *,
    org_id: uuid.UUID | None = None,
    channel_id: uuid.UUID | None = None,
    account_id: str = SAMPLE_ACCOUNT_ID,
    handle: str = SAMPLE_HANDLE,
    status: ChannelStatus = ChannelStatus.CONNECTED,
    revision: int = 1,
    auto_ownership: bool = True,
) -> ChannelSnapshot:
    """What channel-svc publishes on `channels.v1` when an account is connected."""
    channel_id = channel_id or uuid.uuid4()
    now = datetime.now(UTC)
    return ChannelSnapshot(
        event_id=uuid.uuid4(),
        occurred_at=now,
        org_id=org_id or uuid.uuid4(),
        producer="channel-svc",
        actor=Actor(kind=ActorKind.SERVICE, id="test-builder"),
        correlation_id=uuid.uuid4(),
        subject=Subject(channel_id=channel_id, twitter_account_id=account_id),
        payload=ChannelSnapshotPayload(
            channel_id=channel_id,
            twitter_account_id=account_id,
            handle=handle,
            name=handle,
            url=f"https://twitter.com/{handle}",
            display_name=f"@{handle}",
            status=status,
            auto_ownership=auto_ownership,
            auto_resolve=AutoResolve(),
            change="connected" if revision == 1 else "settings_changed",
            revision=revision,
            updated_at=now,
        ),
    )
