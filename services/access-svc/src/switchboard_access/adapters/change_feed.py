"""PostgreSQL's word that the check's inputs changed: `LISTEN access_changed` on a
connection of its own, each notification (an organization's id, sent by the tables'
trigger with the commit) handed to the caches. While the connection is down the caches
serve nothing; a silent network is found by a heartbeat query between notifications."""

import asyncio
import contextlib
import uuid
from collections.abc import Sequence
from typing import Any

import psycopg
from sqlalchemy.engine import URL

from switchboard_access.adapters.change_cache import ChangeCache
from switchboard_platform.logs import get_logger

log = get_logger(__name__)
CHANNEL = "access_changed"  # the trigger's (migration 0003)


class ChangeFeed:
    def __init__(
        self,
        url: URL,
        caches: Sequence[ChangeCache[Any]],
        *,
        heartbeat_seconds: float = 5.0,
        retry_seconds: float = 1.0,
    ) -> None:
        self._conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._caches = tuple(caches)
        self._heartbeat = heartbeat_seconds
        self._retry = retry_seconds
        self._stopping = asyncio.Event()
        self.name = "access-change-feed"

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self._listen()
            except (OSError, psycopg.Error) as exc:
                log.warning("change feed lost; the check reads the database", error=str(exc))
            finally:
                self._listening(listening=False)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=self._retry)

    async def _listen(self) -> None:
        connection = await psycopg.AsyncConnection.connect(
            self._conninfo, autocommit=True, connect_timeout=10, application_name=self.name
        )
        async with connection:
            await connection.execute(f"LISTEN {CHANNEL}")
            self._listening(listening=True)
            while not self._stopping.is_set():
                async for note in connection.notifies(timeout=self._heartbeat):
                    self._changed(note.payload)
                    if self._stopping.is_set():
                        return
                await connection.execute("SELECT 1")  # a dead connection raises here

    def _listening(self, *, listening: bool) -> None:
        for cache in self._caches:
            cache.listen(listening=listening)

    def _changed(self, payload: str) -> None:
        try:
            org_id = uuid.UUID(payload)
        except ValueError:  # not an organization (a TRUNCATE): anything may have changed
            for cache in self._caches:
                cache.reset()
            return
        for cache in self._caches:
            cache.changed(org_id)
