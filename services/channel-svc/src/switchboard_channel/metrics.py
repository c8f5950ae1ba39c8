"""channel-svc's own Prometheus metrics (process-wide, registered once)."""

from prometheus_client import Counter

TWITTER_SENDS = Counter(
    "sb_twitter_api_calls",
    "Calls to the Twitter API by operation and outcome: sends (tweet, direct_message: sent, "
    "ratelimited, retryable, refused, unknown) and unsubscribe (unsubscribed, absent, "
    "retryable)",
    ["operation", "outcome"],
)

RECONCILIATIONS = Counter(
    "sb_reconciliations",
    "Interrupted sends (found `sending`) settled, by reconciler and outcome: sent (found "
    "what Twitter got), not_sent (certainly not: sent again), gave_up (unknown: reported "
    "failed, not sent again)",
    ["reconciler", "outcome"],
)
