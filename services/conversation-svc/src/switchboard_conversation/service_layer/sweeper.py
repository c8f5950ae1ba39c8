"""The service's periodic work, on every replica: the auto-resolve sweep, then the release
of echoes held past their time limit. Each part fails (and is retried next round) alone."""

from switchboard_conversation import metrics
from switchboard_conversation.domain.messages import EchoHold
from switchboard_conversation.service_layer.auto_resolve import sweep
from switchboard_conversation.service_layer.context import ConversationContext
from switchboard_conversation.service_layer.echo_expiry import release_expired_echoes
from switchboard_platform.logs import get_logger

log = get_logger(__name__)


class Sweeper:
    """`once` is a round: `sweep`, then `release_expired_echoes` (run on a timer by
    `switchboard_platform.periodic.Periodic`)."""

    def __init__(
        self, context: ConversationContext, *, batch_size: int, echo_hold: EchoHold
    ) -> None:
        self._context = context
        self._batch_size = batch_size
        self._echo_hold = echo_hold

    async def once(self) -> None:
        """One round; failures are logged and counted, the next round retries."""
        try:
            with metrics.AUTO_RESOLVE_SECONDS.time():
                resolved = await sweep(self._context, batch_size=self._batch_size)
            metrics.AUTO_RESOLVE_RUNS.labels("completed").inc()
            if resolved:
                log.info("auto-resolved", conversations=resolved)
        except Exception:
            metrics.AUTO_RESOLVE_RUNS.labels("failed").inc()
            log.exception("auto-resolve sweep failed; next round retries")
        try:
            released = await release_expired_echoes(
                self._context, self._echo_hold, batch_size=self._batch_size
            )
            metrics.HELD_ECHO_RELEASE_RUNS.labels("completed").inc()
            if released:
                log.warning(
                    "held echoes released after the time limit: results never came",
                    echoes=released,
                    limit_seconds=self._echo_hold.limit.total_seconds(),
                )
        except Exception:
            metrics.HELD_ECHO_RELEASE_RUNS.labels("failed").inc()
            log.exception("releasing held echoes failed; next round retries")
