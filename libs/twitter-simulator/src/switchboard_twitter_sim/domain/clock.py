"""The simulator's clock: real time plus an offset tests can advance (rate-limit windows,
the replay horizon) without sleeping."""

import time
from datetime import UTC, datetime


class SimClock:
    def __init__(self) -> None:
        self._offset = 0.0

    def time(self) -> float:
        """Epoch seconds."""
        return time.time() + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), UTC)

    def millis(self) -> int:
        return int(self.time() * 1000)

    def advance(self, seconds: float) -> None:
        self._offset += seconds
