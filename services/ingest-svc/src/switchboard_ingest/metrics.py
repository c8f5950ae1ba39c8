"""ingest-svc's Prometheus metrics (process-wide, registered once)."""

from prometheus_client import Counter, Histogram

DELIVERIES = Counter(
    "sb_ingest_deliveries", "Webhook deliveries accepted (200), by envelope", ["envelope"]
)
EVENTS = Counter("sb_ingest_events", "Events published to twitter.activity.v1, by type", ["type"])
DROPPED = Counter(
    "sb_ingest_dropped",
    "Activity accepted but deliberately turned into no event (kept on the raw topic)",
    ["reason"],
)
REJECTED = Counter(
    "sb_ingest_rejected",
    "Webhook deliveries refused: signature (401), too_large (413), malformed (400), "
    "broker_unavailable (503)",
    ["reason"],
)
PUBLISH_SECONDS = Histogram(
    "sb_ingest_publish_seconds",
    "Time from handing a delivery's records to Kafka to its last ack",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
