"""The metrics every service exposes at `/metrics` (one registry per process).

Labels stay low-cardinality: routes are templates, topics are catalogue names.
"""

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter("sb_http_requests", "HTTP requests answered", ["method", "route", "status"])
HTTP_SECONDS = Histogram(
    "sb_http_request_seconds", "Time to answer an HTTP request", ["method", "route"]
)
CONSUMED = Counter(
    "sb_consumer_messages",
    "Messages consumed, by outcome: handled, skipped (unknown type), retried, dead_lettered",
    ["topic", "group", "outcome"],
)
PROCESSING_SECONDS = Histogram(
    "sb_consumer_processing_seconds",
    "Time to handle one fetched batch of messages (see sb_consumer_batch_records)",
    ["topic", "group"],
)
BATCH_RECORDS = Histogram(
    "sb_consumer_batch_records",
    "Messages fetched and committed together",
    ["topic", "group"],
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500),
)
CONSUMER_LAG = Gauge(
    "sb_consumer_lag",
    "Messages behind the end of the partition, as of the last message handled",
    ["topic", "partition", "group"],
)
OUTBOX_PUBLISHED = Counter("sb_outbox_published", "Outbox events published", ["topic"])
OUTBOX_BACKLOG = Gauge("sb_outbox_backlog", "Events waiting in the outbox")
OUTBOX_OLDEST_AGE = Gauge(
    "sb_outbox_oldest_age_seconds", "Age of the oldest event waiting in the outbox"
)
