"""Events as other services would publish them, for tests and demos."""

import uuid
from datetime import UTC, datetime

from switchboard_contracts.enums import ActorKind, ChannelStatus
from switchboard_contracts.envelope import Actor, Subject, twitter_event_id
from switchboard_contracts.events.channels import (
    AutoResolve,
    ChannelSnapshot,
    ChannelSnapshotPayload,
)
from switchboard_contracts.events.twitter import TweetReceived, TweetReceivedPayload, TwitterUser

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


def tweet_received(
    *,
    tweet_id: str,
    customer_id: str,
    account_id: str = SAMPLE_ACCOUNT_ID,
    text: str = "@ScruffyMcG help",
    screen_name: str = "customer",
) -> TweetReceived:
    """What ingest-svc publishes on `twitter.activity.v1` for a customer's mention."""
    return TweetReceived(
        event_id=twitter_event_id(account_id, "tweet", tweet_id),
        occurred_at=datetime.now(UTC),
        org_id=None,
        producer="ingest-svc",
        actor=Actor(kind=ActorKind.TWITTER_ACCOUNT, id=customer_id),
        correlation_id=uuid.uuid4(),
        subject=Subject(twitter_account_id=account_id, customer_id=customer_id),
        payload=TweetReceivedPayload(
            account_id=account_id,
            tweet_id=tweet_id,
            author=TwitterUser(id=customer_id, screen_name=screen_name),
            customer_id=customer_id,
            text=text,
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
            relation="mention",
            from_account=False,
        ),
    )
