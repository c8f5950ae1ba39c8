"""Work a service does on a timer, on every replica (sweeps, retries of outside calls)."""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from switchboard_platform.logs import get_logger

log = get_logger(__name__)


class Periodic:
    """Runs `work` now and then every `interval_seconds` until `stop()`. A round that fails
    is logged and the next one retries: a passing outage does not end the loop. The work
    itself must be safe on several replicas at once (row locks, SKIP LOCKED)."""

    def __init__(
        self, name: str, work: Callable[[], Awaitable[object]], *, interval_seconds: float
    ) -> None:
        self.name = name
        self._work = work
        self._interval = interval_seconds
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        """Ask `run` to return; a round in progress finishes first."""
        self._stopping.set()

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self._work()
            except Exception:
                log.exception("periodic round failed; the next round retries", task=self.name)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=self._interval)
