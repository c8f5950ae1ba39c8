"""ingest-svc's Prometheus metrics (process-wide, registered once)."""

from prometheus_client import Counter, Histogram

DELIVERIES = Counter("sb_ingest_deliveries", "Webhook deliveries accepted", ["envelope"])
REJECTED = Counter("sb_ingest_rejected", "Webhook deliveries refused", ["reason"])
PUBLISH_SECONDS = Histogram("sb_ingest_publish_seconds", "Time to get Kafka's ack for a delivery")
