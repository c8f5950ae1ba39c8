"""The short-lived cache of access-svc's answers: ages out, forgets an organization, stays
bounded however many keys a process is asked about, refreshes ahead and shares loads."""

import asyncio
import uuid
from collections.abc import Awaitable

import pytest

from switchboard_platform.auth.standing import Hit, TtlCache

pytestmark = pytest.mark.unit


def test_answers_age_out_and_an_organization_is_forgotten_alone() -> None:
    now = [0.0]
    cache: TtlCache[tuple[uuid.UUID, str], int] = TtlCache(0.5, clock=lambda: now[0])
    ours, theirs = uuid.uuid4(), uuid.uuid4()
    cache.put((ours, "a"), 1)
    cache.put((theirs, "a"), 2)
    hit = cache.get((ours, "a"))
    assert hit is not None
    assert hit.value == 1
    cache.forget(ours)
    assert cache.get((ours, "a")) is None
    assert cache.get((theirs, "a")) is not None
    now[0] = 0.5
    assert cache.get((theirs, "a")) is None


def test_a_full_cache_drops_expired_answers_first_then_everything() -> None:
    now = [0.0]
    cache: TtlCache[tuple[uuid.UUID, int], int] = TtlCache(1.0, clock=lambda: now[0], max_entries=4)
    org = uuid.uuid4()
    for n in range(3):
        cache.put((org, n), n)
    now[0] = 2.0  # those three expired
    cache.put((org, 3), 3)
    cache.put((org, 4), 4)
    assert len(cache) == 2  # the expired went when the cache was full
    for n in range(5, 8):
        cache.put((org, n), n)
    assert len(cache) <= 4
    assert cache.get((org, 7)) is not None  # the newest answer is always kept


async def settle() -> None:
    """Let the tasks started so far run as far as they can."""
    for _ in range(5):
        await asyncio.sleep(0)


class Loads:
    """A load whose answers the test releases one at a time (and counts)."""

    def __init__(self) -> None:
        self.started = 0
        self.gates: list[asyncio.Future[int]] = []

    def __call__(self) -> Awaitable[int]:
        self.started += 1
        gate: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self.gates.append(gate)
        return gate

    def answer(self, value: int) -> None:
        next(g for g in self.gates if not g.done()).set_result(value)


async def test_an_aging_answer_is_served_while_one_refresh_runs_and_none_past_the_ttl() -> None:
    now = [0.0]
    cache: TtlCache[tuple[uuid.UUID, str], int] = TtlCache(0.5, clock=lambda: now[0])
    key = (uuid.uuid4(), "a")
    loads = Loads()
    first = asyncio.create_task(cache.get_or_load(key, loads))
    await settle()
    loads.answer(1)
    assert await first == 1
    now[0] = 0.2
    assert await cache.get_or_load(key, loads) == 1
    assert loads.started == 1  # young: no refresh
    now[0] = 0.3
    assert await cache.get_or_load(key, loads) == 1  # aging: served, refreshed behind
    assert await cache.get_or_load(key, loads) == 1
    await settle()
    assert loads.started == 2  # one refresh, however many callers
    loads.answer(2)
    await settle()
    assert await cache.get_or_load(key, loads) == 2
    now[0] = 0.3 + 0.5  # the refreshed answer (asked at 0.3) has expired: the caller waits
    waiting = asyncio.create_task(cache.get_or_load(key, loads))
    await settle()
    assert not waiting.done()
    loads.answer(3)
    assert await waiting == 3


async def test_callers_missing_at_once_share_one_load_and_one_giving_up_leaves_it() -> None:
    cache: TtlCache[tuple[uuid.UUID, str], int] = TtlCache(0.5)
    key = (uuid.uuid4(), "a")
    loads = Loads()
    callers = [asyncio.create_task(cache.get_or_load(key, loads)) for _ in range(5)]
    await settle()
    callers[0].cancel()
    await settle()
    loads.answer(7)
    assert await asyncio.gather(*callers[1:]) == [7] * 4
    assert loads.started == 1


async def test_a_load_begun_before_a_forget_is_answered_but_not_kept() -> None:
    cache: TtlCache[tuple[uuid.UUID, str], int] = TtlCache(0.5)
    org = uuid.uuid4()
    loads = Loads()
    caller = asyncio.create_task(cache.get_or_load((org, "a"), loads))
    await settle()
    cache.forget(org)  # an access.v1 event while access-svc was answering
    loads.answer(1)
    assert await caller == 1
    assert cache.get((org, "a")) is None


async def test_a_failed_refresh_keeps_the_answer_until_it_ages_out_then_the_caller_sees_it() -> (
    None
):
    now = [0.0]
    cache: TtlCache[tuple[uuid.UUID, str], int] = TtlCache(0.5, clock=lambda: now[0])
    key = (uuid.uuid4(), "a")
    cache.put(key, 1)

    async def failing() -> int:
        raise ConnectionError("access-svc down")

    now[0] = 0.3
    assert await cache.get_or_load(key, failing) == 1
    await settle()
    assert await cache.get_or_load(key, failing) == 1  # served until its time is up
    now[0] = 0.5
    with pytest.raises(ConnectionError):
        await cache.get_or_load(key, failing)


async def test_a_fresh_load_asks_again_whatever_is_cached_or_being_asked_and_is_kept() -> None:
    cache: TtlCache[tuple[uuid.UUID, str], int] = TtlCache(0.5)
    key = (uuid.uuid4(), "a")
    cache.put(key, 1)
    loads = Loads()
    fresh = asyncio.create_task(cache.get_or_load(key, loads, fresh=True))
    again = asyncio.create_task(cache.get_or_load(key, loads, fresh=True))
    await settle()
    assert loads.started == 2  # neither the cached answer nor the other load served
    loads.answer(2)
    await settle()
    assert await fresh == 2
    loads.answer(3)
    assert await again == 3
    assert cache.get(key) == Hit(3)
