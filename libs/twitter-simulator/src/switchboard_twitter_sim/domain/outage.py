"""A Twitter API outage on demand: for a while, every API call (the rate-limited
endpoints: posting, DMs, webhooks, subscriptions, replay) is answered with a 5xx or a 429
instead of being served, and nothing it asked for happens. Chaos runs use it to show
that sends wait and retry, or fail saying why, and are never lost or sent twice."""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import cycle

from switchboard_twitter_sim.domain.clock import SimClock


@dataclass
class Outage:
    clock: SimClock
    until: float = 0.0  # epoch seconds (the simulator's clock)
    statuses: tuple[int, ...] = (503,)
    refused: Counter[int] = field(default_factory=Counter)  # answers given, by status
    _next: Iterator[int] = field(default_factory=lambda: cycle((503,)))

    def start(self, seconds: float, statuses: tuple[int, ...]) -> None:
        self.until = self.clock.time() + seconds
        self.statuses = statuses
        self._next = cycle(statuses)

    def end(self) -> None:
        self.until = 0.0

    def remaining(self) -> float:
        return max(0.0, self.until - self.clock.time())

    def refusal(self) -> int | None:
        """The status to answer this call with, or None when the API is up."""
        if self.remaining() == 0.0:
            return None
        status = next(self._next)
        self.refused[status] += 1
        return status
