"""channel-svc's own Prometheus metrics (process-wide, registered once)."""

from prometheus_client import Counter

TWITTER_SENDS = Counter(
    "sb_twitter_api_calls",
    "Calls to the Twitter API by operation and outcome: sends (tweet, direct_message: sent, "
    "ratelimited, retryable, refused, unknown) and unsubscribe (unsubscribed, absent, "
    "retryable)",
    ["operation", "outcome"],
)
