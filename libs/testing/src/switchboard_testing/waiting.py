"""Waiting for what another process (or task) does, without fixed sleeps."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(
    what: str, probe: Callable[[], Awaitable[T | None]], within: float = 30.0
) -> T:
    """What `probe` finds once it finds something (asked every 50 ms); fails naming `what`
    when it finds nothing within `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = await probe()
        if found is not None:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"{what}: not within {within}s")
