"""Per-account rate limits with Twitter's headers.

Each endpoint has a 15-minute style window (`x-rate-limit-*`) and optionally a 24-hour
cap (`x-user-limit-24hour-*`, as on the DM endpoint). Windows are fixed and start with
the first request, like Twitter's.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Limit:
    limit: int
    window_seconds: int


@dataclass(frozen=True)
class EndpointLimits:
    window: Limit
    daily: Limit | None = None


@dataclass
class _Window:
    used: int = 0
    resets_at: float = 0.0


@dataclass(frozen=True)
class Decision:
    allowed: bool
    headers: Mapping[str, str] = field(default_factory=dict)


class RateLimiter:
    def __init__(self, limits: Mapping[str, EndpointLimits], default: EndpointLimits) -> None:
        self.limits = dict(limits)
        self.default = default
        self._windows: dict[tuple[str, str, str], _Window] = {}

    def configure(self, endpoint: str, limits: EndpointLimits) -> None:
        self.limits[endpoint] = limits
        self._windows = {k: w for k, w in self._windows.items() if k[0] != endpoint}

    def reset(self) -> None:
        self._windows.clear()

    def hit(self, endpoint: str, caller: str, *, now: float) -> Decision:
        limits = self.limits.get(endpoint, self.default)
        window = self._current(endpoint, caller, "window", limits.window, now)
        daily = (
            self._current(endpoint, caller, "daily", limits.daily, now) if limits.daily else None
        )
        allowed = window.used < limits.window.limit and (
            daily is None or limits.daily is None or daily.used < limits.daily.limit
        )
        if allowed:
            window.used += 1
            if daily is not None:
                daily.used += 1
        headers = _headers("x-rate-limit", limits.window, window)
        if daily is not None and limits.daily is not None:
            headers |= _headers("x-user-limit-24hour", limits.daily, daily)
        return Decision(allowed, headers)

    def _current(self, endpoint: str, caller: str, kind: str, limit: Limit, now: float) -> _Window:
        window = self._windows.setdefault((endpoint, caller, kind), _Window())
        if now >= window.resets_at:
            window.used, window.resets_at = 0, now + limit.window_seconds
        return window


def _headers(prefix: str, limit: Limit, window: _Window) -> dict[str, str]:
    return {
        f"{prefix}-limit": str(limit.limit),
        f"{prefix}-remaining": str(max(limit.limit - window.used, 0)),
        f"{prefix}-reset": str(math.ceil(window.resets_at)),
    }
