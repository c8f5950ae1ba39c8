"""channel-svc's own Prometheus metrics (process-wide, registered once)."""

from prometheus_client import Counter

TWITTER_SENDS = Counter(
    "sb_twitter_api_calls",
    "Sends to the Twitter API by kind and outcome (sent, ratelimited, retryable, refused, unknown)",
    ["operation", "outcome"],
)
