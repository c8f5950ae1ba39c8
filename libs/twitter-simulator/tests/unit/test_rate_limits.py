import pytest

from switchboard_twitter_sim.domain.rate_limits import EndpointLimits, Limit, RateLimiter

pytestmark = pytest.mark.unit


def test_window_counts_down_then_refuses_until_reset() -> None:
    limiter = RateLimiter({"tweets": EndpointLimits(Limit(2, 900))}, EndpointLimits(Limit(9, 9)))
    first = limiter.hit("tweets", "acme", now=1000.0)
    assert first.allowed
    assert first.headers == {
        "x-rate-limit-limit": "2",
        "x-rate-limit-remaining": "1",
        "x-rate-limit-reset": "1900",
    }
    assert limiter.hit("tweets", "acme", now=1001.0).allowed
    refused = limiter.hit("tweets", "acme", now=1002.0)
    assert not refused.allowed
    assert refused.headers["x-rate-limit-remaining"] == "0"
    assert limiter.hit("tweets", "other", now=1002.0).allowed  # per account
    assert limiter.hit("tweets", "acme", now=1900.0).allowed  # a new window


def test_daily_cap_refuses_even_with_window_left_and_says_when() -> None:
    limits = EndpointLimits(Limit(15, 900), Limit(2, 86_400))
    limiter = RateLimiter({"dm_events": limits}, EndpointLimits(Limit(9, 9)))
    for _ in range(2):
        assert limiter.hit("dm_events", "acme", now=0.0).allowed
    refused = limiter.hit("dm_events", "acme", now=10.0)
    assert not refused.allowed
    assert refused.headers["x-rate-limit-remaining"] == "13"
    assert refused.headers["x-user-limit-24hour-remaining"] == "0"
    assert refused.headers["x-user-limit-24hour-reset"] == "86400"


def test_unlisted_endpoints_use_the_default_and_can_be_reconfigured() -> None:
    limiter = RateLimiter({}, EndpointLimits(Limit(1, 60)))
    assert limiter.hit("webhooks", "app", now=0.0).allowed
    assert not limiter.hit("webhooks", "app", now=1.0).allowed
    limiter.configure("webhooks", EndpointLimits(Limit(5, 60)))
    assert limiter.hit("webhooks", "app", now=2.0).allowed
