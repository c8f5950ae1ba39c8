"""Snowflake ids like Twitter's: 41 bits of milliseconds since Twitter's epoch, then
worker and sequence bits. Every id is above 2**53, so consumers must read the `*_str`
fields, as with the real service."""

from switchboard_twitter_sim.domain.clock import SimClock

TWITTER_EPOCH_MS = 1_288_834_974_657
_TIME_SHIFT = 22
_WORKER = 7 << 12  # a fixed datacenter/worker part


class SnowflakeIds:
    def __init__(self, clock: SimClock) -> None:
        self._clock = clock
        self._last = 0

    def next(self) -> str:
        candidate = ((self._clock.millis() - TWITTER_EPOCH_MS) << _TIME_SHIFT) | _WORKER
        # Strictly increasing even within one millisecond (the sequence bits absorb it).
        self._last = max(candidate, self._last + 1)
        return str(self._last)


def snowflake_millis(snowflake: str) -> int:
    """The creation time an id encodes, as Twitter's ids do."""
    return (int(snowflake) >> _TIME_SHIFT) + TWITTER_EPOCH_MS
