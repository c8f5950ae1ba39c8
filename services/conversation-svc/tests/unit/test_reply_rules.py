"""Where a reply goes, and the auto-resolve thresholds."""

from datetime import UTC, datetime, timedelta

import pytest

from switchboard_contracts.enums import MessageKind, QueueStatus
from switchboard_conversation.domain.auto_resolve import AutoResolvePolicy
from switchboard_conversation.domain.errors import InvalidActionError
from switchboard_conversation.domain.messages import ReplyTarget, reply_target

pytestmark = pytest.mark.unit
NOW = datetime(2026, 3, 1, tzinfo=UTC)


def test_default_kind_is_the_kind_of_the_customers_last_message() -> None:
    assert reply_target(
        None, last_customer_kind=MessageKind.DIRECT_MESSAGE, last_customer_tweet_id="5"
    ) == ReplyTarget(MessageKind.DIRECT_MESSAGE, None)
    assert reply_target(
        None, last_customer_kind=MessageKind.TWEET, last_customer_tweet_id="5"
    ) == ReplyTarget(MessageKind.TWEET, "5")


def test_agent_may_choose_a_tweet_reply_to_the_latest_tweet() -> None:
    target = reply_target(
        MessageKind.TWEET, last_customer_kind=MessageKind.DIRECT_MESSAGE, last_customer_tweet_id="8"
    )
    assert target == ReplyTarget(MessageKind.TWEET, "8")


def test_a_tweet_reply_needs_a_customer_tweet() -> None:
    with pytest.raises(InvalidActionError) as refused:
        reply_target(
            MessageKind.TWEET,
            last_customer_kind=MessageKind.DIRECT_MESSAGE,
            last_customer_tweet_id=None,
        )
    assert refused.value.field == "kind"


def test_thresholds_per_queue() -> None:
    policy = AutoResolvePolicy(new_after=timedelta(days=1), pending_after=timedelta(days=3))
    two_days_ago = NOW - timedelta(days=2)
    assert policy.is_stale(QueueStatus.NEW, two_days_ago, NOW)
    assert not policy.is_stale(QueueStatus.PENDING, two_days_ago, NOW)
    assert policy.is_stale(QueueStatus.PENDING, NOW - timedelta(days=3), NOW)
    assert not policy.is_stale(QueueStatus.RESOLVED, NOW - timedelta(days=300), NOW)


def test_auto_resolve_off_keeps_everything() -> None:
    policy = AutoResolvePolicy(enabled=False)
    assert not policy.is_stale(QueueStatus.PENDING, NOW - timedelta(days=3000), NOW)


def test_default_threshold_is_thirty_days() -> None:
    policy = AutoResolvePolicy()
    assert not policy.is_stale(QueueStatus.NEW, NOW - timedelta(days=29), NOW)
    assert policy.is_stale(QueueStatus.NEW, NOW - timedelta(days=30), NOW)
