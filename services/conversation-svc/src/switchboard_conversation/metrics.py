"""conversation-svc's own Prometheus metrics (process-wide, registered once)."""

from prometheus_client import Counter, Histogram

AUTO_RESOLVE_RUNS = Counter(
    "sb_auto_resolve_runs", "Auto-resolve sweeps by outcome (completed, failed)", ["outcome"]
)
AUTO_RESOLVED = Counter("sb_auto_resolved_conversations", "Conversations auto-resolved")
AUTO_RESOLVE_SECONDS = Histogram("sb_auto_resolve_seconds", "Time one sweep took")
HELD_ECHO_RELEASE_RUNS = Counter(
    "sb_held_echo_release_runs",
    "Sweeps releasing echoes held past the time limit, by outcome (completed, failed)",
    ["outcome"],
)
HELD_ECHOES_RELEASED = Counter(
    "sb_held_echoes_released",
    "Echoes held past the time limit (their replies' results never came) shown as posts",
)
