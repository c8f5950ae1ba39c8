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
from switchboard_contracts.events.replies import (
    ReplyFailed,
    ReplyFailedPayload,
    ReplySent,
    ReplySentPayload,
)
from switchboard_contracts.events.twitter import (
    DirectMessageReceived,
    DirectMessageReceivedPayload,
    TweetReceived,
    TweetReceivedPayload,
    TwitterUser,
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
    auto_resolve: AutoResolve | None = None,
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
            auto_resolve=auto_resolve or AutoResolve(),
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
    created_at: datetime | None = None,
    from_account: bool = False,
    in_reply_to_tweet_id: str | None = None,
) -> TweetReceived:
    """What ingest-svc publishes on `twitter.activity.v1` for a customer's mention, or
    (`from_account`) for the account's own tweet: a reply when `in_reply_to_tweet_id`."""
    replied_to_user = customer_id if from_account else account_id
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
            author=TwitterUser(id=account_id if from_account else customer_id)
            if from_account
            else TwitterUser(id=customer_id, screen_name=screen_name),
            customer_id=customer_id,
            text=text,
            created_at=created_at or datetime(2026, 1, 1, tzinfo=UTC),
            relation="own" if from_account else "reply" if in_reply_to_tweet_id else "mention",
            in_reply_to_tweet_id=in_reply_to_tweet_id,
            in_reply_to_user_id=replied_to_user if in_reply_to_tweet_id else None,
            from_account=from_account,
        ),
    )


def direct_message_received(
    *,
    dm_id: str,
    customer_id: str,
    account_id: str = SAMPLE_ACCOUNT_ID,
    text: str = "hello, a question",
    created_at: datetime | None = None,
    from_account: bool = False,
) -> DirectMessageReceived:
    """What ingest-svc publishes for a DM (from the customer, or the account's echo)."""
    sender, recipient = (account_id, customer_id) if from_account else (customer_id, account_id)
    return DirectMessageReceived(
        event_id=twitter_event_id(account_id, "direct_message", dm_id),
        occurred_at=datetime.now(UTC),
        org_id=None,
        producer="ingest-svc",
        actor=Actor(kind=ActorKind.TWITTER_ACCOUNT, id=sender),
        correlation_id=uuid.uuid4(),
        subject=Subject(twitter_account_id=account_id, customer_id=customer_id),
        payload=DirectMessageReceivedPayload(
            account_id=account_id,
            dm_event_id=dm_id,
            sender=TwitterUser(id=sender),
            recipient_id=recipient,
            customer_id=customer_id,
            text=text,
            created_at=created_at or datetime(2026, 1, 1, tzinfo=UTC),
            from_account=from_account,
        ),
    )


def reply_sent(
    *, org_id: uuid.UUID, conversation_id: uuid.UUID, message_id: uuid.UUID, twitter_id: str
) -> ReplySent:
    """What channel-svc publishes on `replies.results.v1` once a reply went out."""
    return ReplySent(
        event_id=uuid.uuid4(),
        occurred_at=datetime.now(UTC),
        org_id=org_id,
        producer="channel-svc",
        actor=Actor(kind=ActorKind.SERVICE, id="channel-svc"),
        correlation_id=uuid.uuid4(),
        subject=Subject(conversation_id=conversation_id),
        payload=ReplySentPayload(
            message_id=message_id,
            conversation_id=conversation_id,
            twitter_id=twitter_id,
            sent_at=datetime.now(UTC),
        ),
    )


def reply_failed(
    *, org_id: uuid.UUID, conversation_id: uuid.UUID, message_id: uuid.UUID
) -> ReplyFailed:
    return ReplyFailed(
        event_id=uuid.uuid4(),
        occurred_at=datetime.now(UTC),
        org_id=org_id,
        producer="channel-svc",
        actor=Actor(kind=ActorKind.SERVICE, id="channel-svc"),
        correlation_id=uuid.uuid4(),
        subject=Subject(conversation_id=conversation_id),
        payload=ReplyFailedPayload(
            message_id=message_id,
            conversation_id=conversation_id,
            reason="duplicate_content",
            detail="Status is a duplicate.",
            failed_at=datetime.now(UTC),
        ),
    )
