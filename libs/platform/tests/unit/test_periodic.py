"""Timed work keeps going through failures and stops when asked."""

import asyncio

import pytest

from switchboard_platform.periodic import Periodic

pytestmark = pytest.mark.unit


async def test_a_failing_round_is_retried_and_stop_ends_the_loop() -> None:
    rounds: list[int] = []
    third = asyncio.Event()

    async def work() -> None:
        rounds.append(len(rounds) + 1)
        if len(rounds) == 3:
            third.set()
        if len(rounds) == 1:
            raise RuntimeError("Twitter is away")

    periodic = Periodic("test", work, interval_seconds=0.01)
    running = asyncio.create_task(periodic.run())
    await asyncio.wait_for(third.wait(), timeout=5)
    periodic.stop()
    await asyncio.wait_for(running, timeout=5)
    assert rounds[:3] == [1, 2, 3]  # the failure did not end it
    done = len(rounds)
    await asyncio.sleep(0.05)
    assert len(rounds) == done  # stopped: no more rounds
