"""The sending rules of `domain.delivery`: retries, giving up, rate-limit waits, the
reconcile window. The integration tests run them against the simulator."""

from datetime import UTC, datetime, timedelta

import pytest

from switchboard_channel.domain.delivery import (
    DeliveryPolicy,
    Wait,
    rate_limited_until,
    reconcile_since,
    reconcile_until,
)

pytestmark = pytest.mark.unit
NOW = datetime(2026, 7, 24, 12, 0, tzinfo=UTC)


def test_backoff_doubles_and_the_policy_gives_up_at_max_attempts() -> None:
    policy = DeliveryPolicy(max_attempts=3, backoff_seconds=0.5)
    assert [policy.backoff(n) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]
    assert [policy.gives_up(n) for n in (1, 2, 3, 4)] == [False, False, True, True]


def test_a_rate_limit_waits_past_twitters_reset_or_a_minute_when_unsaid() -> None:
    reset = NOW + timedelta(seconds=30)
    assert rate_limited_until(reset.timestamp(), NOW) == reset + timedelta(seconds=1)
    assert rate_limited_until(None, NOW) == NOW + timedelta(seconds=61)


def test_a_long_rate_limit_wait_is_taken_in_slices() -> None:
    policy = DeliveryPolicy(rate_limit_inline_wait_seconds=10)
    assert policy.rate_limit_wait(NOW - timedelta(seconds=1), NOW) == Wait(
        0.0, then_retry_later=False
    )
    assert policy.rate_limit_wait(NOW + timedelta(seconds=4), NOW) == Wait(
        4.0, then_retry_later=False
    )
    assert policy.rate_limit_wait(NOW + timedelta(seconds=40), NOW) == Wait(
        10.0, then_retry_later=True
    )


def test_the_reconcile_window_allows_for_clock_skew_and_closes_after_the_patience() -> None:
    since = NOW - timedelta(minutes=1)
    assert reconcile_since(since, NOW) == since - timedelta(seconds=5)
    assert reconcile_since(None, NOW) == NOW - timedelta(seconds=5)
    assert reconcile_until(NOW, 30) == NOW + timedelta(seconds=30)
