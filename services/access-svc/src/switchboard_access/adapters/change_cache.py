"""What the check reads, kept in memory between checks and dropped when the database says
it changed.

The check is the hot path of every agent action, and what it reads (a user's standing,
their team, a channel's grants) changes seldom. PostgreSQL says when it does: a trigger on
every table the check reads sends `NOTIFY access_changed, '<org id>'` with each committed
change (migration 0003), and `ChangeFeed` (`change_feed.py`) listens and calls `changed`.

- An answer read from the database while a change of its organization arrived is not kept:
  `version()` is taken before the read and `put` keeps the answer only if it still holds.
- While the feed is not listening nothing is kept or served (a change could go unseen), and
  everything is dropped each time it (re)connects.
- This process's own writes drop everything at their commit (`reset`), so a caller that
  changes a grant and checks at once on the same replica sees its change; another replica
  sees it when the notification arrives, milliseconds later.
- Entries also age out (`max_age_seconds`), a bound on any staleness the feed might miss.
"""

import time
import uuid
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

V = TypeVar("V")
Version = tuple[int, int]  # (this process's epoch, the organization's generation)


@dataclass(frozen=True)
class Cached(Generic[V]):
    value: V


class ChangeCache(Generic[V]):
    def __init__(
        self,
        *,
        max_entries: int = 200_000,
        max_age_seconds: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_entries = max_entries
        self._max_age = max_age_seconds
        self._clock = clock
        self._listening = False
        self._epoch = 0
        self._generations: dict[uuid.UUID, int] = {}
        self._orgs: dict[uuid.UUID, dict[Hashable, tuple[V, float]]] = {}
        self._size = 0

    @property
    def listening(self) -> bool:
        return self._listening

    async def through(
        self, org_id: uuid.UUID, key: Hashable, read: Callable[[], Awaitable[V]]
    ) -> V:
        """The cached answer, else `read()`'s, kept unless the organization changed (or the
        feed went down) while it was read."""
        cached = self.get(org_id, key)
        if cached is not None:
            return cached.value
        version = self.version(org_id)
        value = await read()
        self.put(org_id, key, value, version)
        return value

    def version(self, org_id: uuid.UUID) -> Version | None:
        """Taken before reading the database; None: do not keep what is read."""
        if not self._listening:
            return None
        return self._epoch, self._generations.get(org_id, 0)

    def get(self, org_id: uuid.UUID, key: Hashable) -> Cached[V] | None:
        if not self._listening:
            return None
        found = self._orgs.get(org_id, {}).get(key)
        if found is None or self._clock() >= found[1]:
            return None
        return Cached(found[0])

    def put(self, org_id: uuid.UUID, key: Hashable, value: V, version: Version | None) -> None:
        if version is None or version != self.version(org_id):
            return  # read while the organization changed (or not listening): not kept
        if self._size >= self._max_entries:
            self._drop_all()
        entries = self._orgs.setdefault(org_id, {})
        if key not in entries:
            self._size += 1
        entries[key] = (value, self._clock() + self._max_age)

    def changed(self, org_id: uuid.UUID) -> None:
        """A change of the organization was committed (a notification)."""
        self._generations[org_id] = self._generations.get(org_id, 0) + 1
        self._size -= len(self._orgs.pop(org_id, {}))

    def reset(self) -> None:
        """Anything may have changed: this process wrote, or the feed (re)connected."""
        self._epoch += 1
        self._drop_all()

    def listen(self, *, listening: bool) -> None:
        """The feed's state; every change of it drops everything."""
        self._listening = listening
        self.reset()

    def _drop_all(self) -> None:
        self._orgs.clear()
        self._size = 0
