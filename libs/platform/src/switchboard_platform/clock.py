"""The clock every service reads the time from. Handlers take it from their context (a test
moves it), never from `datetime.now`; `utc_now` is the real one."""

from collections.abc import Callable
from datetime import datetime

from switchboard_contracts.envelope import utc_now

Clock = Callable[[], datetime]

__all__ = ["Clock", "utc_now"]
