"""The short-lived cache of access-svc's answers: ages out, forgets an organization, and
stays bounded however many keys a process is asked about."""

import uuid

import pytest

from switchboard_platform.auth.standing import TtlCache

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
