"""The change cache's rules, without a database: what it keeps, and when it must not."""

import uuid

import pytest

from switchboard_access.adapters.change_cache import ChangeCache

pytestmark = pytest.mark.unit
ORG, OTHER = uuid.uuid4(), uuid.uuid4()


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def listening_cache() -> ChangeCache[str]:
    cache = ChangeCache[str]()
    cache.listen(listening=True)
    return cache


async def test_an_answer_is_kept_and_served_until_its_organization_changes() -> None:
    cache, reads = listening_cache(), []

    async def read() -> str:
        reads.append(1)
        return "allowed"

    assert await cache.through(ORG, "k", read) == "allowed"
    assert await cache.through(ORG, "k", read) == "allowed"
    assert len(reads) == 1
    cache.changed(ORG)
    assert cache.get(ORG, "k") is None


def test_an_answer_read_while_its_organization_changed_is_not_kept() -> None:
    cache = listening_cache()
    version = cache.version(ORG)  # the read starts
    cache.changed(ORG)  # a notification arrives before it ends
    cache.put(ORG, "k", "stale", version)
    assert cache.get(ORG, "k") is None
    version = cache.version(ORG)
    cache.put(ORG, "k", "fresh", version)
    assert cache.get(ORG, "k") is not None


def test_a_change_of_another_organization_keeps_this_ones_answers() -> None:
    cache = listening_cache()
    cache.put(ORG, "k", "mine", cache.version(ORG))
    version = cache.version(ORG)
    cache.changed(OTHER)
    cache.put(ORG, "j", "also mine", version)
    assert (cache.get(ORG, "k"), cache.get(ORG, "j")) != (None, None)
    assert cache.get(OTHER, "k") is None


def test_nothing_is_kept_or_served_while_the_feed_is_down() -> None:
    cache = ChangeCache[str]()
    assert cache.version(ORG) is None
    cache.put(ORG, "k", "v", (0, 0))
    assert cache.get(ORG, "k") is None
    cache.listen(listening=True)
    cache.put(ORG, "k", "v", cache.version(ORG))
    cache.listen(listening=False)  # lost: what was kept may miss a change
    assert cache.get(ORG, "k") is None
    cache.listen(listening=True)
    assert cache.get(ORG, "k") is None  # and not back on reconnecting


def test_a_local_commit_drops_everything_and_outdates_reads_in_flight() -> None:
    cache = listening_cache()
    cache.put(OTHER, "k", "v", cache.version(OTHER))
    version = cache.version(ORG)
    cache.reset()
    cache.put(ORG, "k", "read before the commit", version)
    assert (cache.get(ORG, "k"), cache.get(OTHER, "k")) == (None, None)


def test_answers_age_out_and_the_size_is_bounded() -> None:
    clock = Clock()
    cache = ChangeCache[str](max_entries=2, max_age_seconds=10, clock=clock)
    cache.listen(listening=True)
    cache.put(ORG, "a", "v", cache.version(ORG))
    clock.now = 10
    assert cache.get(ORG, "a") is None
    for key in ("a", "b", "c"):
        cache.put(ORG, key, "v", cache.version(ORG))
    assert cache.get(ORG, "c") is not None
    assert [cache.get(ORG, k) for k in ("a", "b")] == [None, None]  # full: dropped, not grown
