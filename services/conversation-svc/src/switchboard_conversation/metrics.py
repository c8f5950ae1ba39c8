"""conversation-svc's own Prometheus metrics (process-wide, registered once)."""

from prometheus_client import Counter, Histogram

AUTO_RESOLVE_RUNS = Counter(
    "sb_auto_resolve_runs", "Auto-resolve sweeps by outcome (completed, failed)", ["outcome"]
)
AUTO_RESOLVED = Counter("sb_auto_resolved_conversations", "Conversations auto-resolved")
AUTO_RESOLVE_SECONDS = Histogram("sb_auto_resolve_seconds", "Time one sweep took")
