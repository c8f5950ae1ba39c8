"""The auto-resolve sweep: stale New and Pending conversations move to Resolved.

One replica at a time sweeps (a transaction-level advisory lock per batch); each batch
locks its conversations (SKIP LOCKED, so agents' actions are never waited on for long),
resolves them with reason `auto_resolve` (which removes ownership), and stores them with
their events in one transaction. The clock is injected, so tests move time.
"""

import asyncio
import contextlib
import uuid

from switchboard_contracts.enums import ActorKind
from switchboard_contracts.envelope import Actor
from switchboard_conversation import metrics
from switchboard_conversation.service_layer.context import Context
from switchboard_conversation.service_layer.recording import record
from switchboard_platform.logs import get_logger

log = get_logger(__name__)
SWEEP_LOCK_KEY = 0x5B0_A7E5  # one per database; distinct from the outbox relay's
ACTOR = Actor(kind=ActorKind.SYSTEM, id="auto_resolve")


async def sweep(context: Context, *, batch_size: int = 500) -> int:
    """Resolve every stale conversation now; how many. 0 when another replica holds it."""
    total = 0
    correlation_id = uuid.uuid4()
    while True:
        async with context.unit_of_work() as uow:
            if not await uow.try_lock(SWEEP_LOCK_KEY):
                return total
            now = context.clock()
            stale = await uow.conversations.stale_for_update(now, batch_size)
            for conversation in stale:
                conversation.auto_resolve(at=now)
            await record(uow, stale, actor=ACTOR, correlation_id=correlation_id)
        metrics.AUTO_RESOLVED.inc(len(stale))  # committed
        total += len(stale)
        if len(stale) < batch_size:
            return total


class Sweeper:
    """Runs `sweep` every `interval_seconds` until stopped."""

    def __init__(self, context: Context, *, interval_seconds: float, batch_size: int) -> None:
        self._context = context
        self._interval = interval_seconds
        self._batch_size = batch_size
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                with metrics.AUTO_RESOLVE_SECONDS.time():
                    resolved = await sweep(self._context, batch_size=self._batch_size)
                metrics.AUTO_RESOLVE_RUNS.labels("completed").inc()
                if resolved:
                    log.info("auto-resolved", conversations=resolved)
            except Exception:
                metrics.AUTO_RESOLVE_RUNS.labels("failed").inc()
                log.exception("auto-resolve sweep failed; next round retries")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=self._interval)
