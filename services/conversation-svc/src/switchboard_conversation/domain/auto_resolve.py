"""Auto-resolve: which conversations are stale (DOMAIN.md, "Channels" and "Conversations").

A conversation in New or Pending whose last activity (a message either way, or an agent
moving it) is older than its channel's threshold for that queue is resolved, reason
`auto_resolve`. Thresholds are per channel and per queue; the feature can be off.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from switchboard_contracts.enums import QueueStatus
from switchboard_contracts.events.channels import DEFAULT_AUTO_RESOLVE_SECONDS


@dataclass(frozen=True)
class AutoResolvePolicy:
    enabled: bool = True
    new_after: timedelta = timedelta(seconds=DEFAULT_AUTO_RESOLVE_SECONDS)
    pending_after: timedelta = timedelta(seconds=DEFAULT_AUTO_RESOLVE_SECONDS)

    def threshold(self, status: QueueStatus) -> timedelta | None:
        if not self.enabled:
            return None
        return {QueueStatus.NEW: self.new_after, QueueStatus.PENDING: self.pending_after}.get(
            status
        )

    def is_stale(self, status: QueueStatus, last_activity_at: datetime, now: datetime) -> bool:
        threshold = self.threshold(status)
        return threshold is not None and last_activity_at <= now - threshold
