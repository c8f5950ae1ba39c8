"""One database transaction with the repositories a handler needs."""

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from switchboard_access.adapters import tables
from switchboard_access.adapters.access_queries import AccessQueries, CheckInputs
from switchboard_access.adapters.change_cache import ChangeCache
from switchboard_access.adapters.channels import Channels
from switchboard_access.adapters.grants import Grants
from switchboard_access.adapters.teams import Teams
from switchboard_access.adapters.users import Users
from switchboard_contracts.envelope import Event
from switchboard_contracts.topics import Topic
from switchboard_platform.db.unit_of_work import SessionUnitOfWork


class UnitOfWork(SessionUnitOfWork):
    """`async with uow:` opens a transaction; it commits when the block ends cleanly.

    Made from an autocommit session factory, it only reads (each statement its own
    snapshot, no BEGIN/COMMIT round trips): what the check API uses, answering from
    `check_cache` when it can. A writing one calls `committed` after each commit (the
    cache is dropped: this process's change is seen by its next check).
    """

    users: Users
    teams: Teams
    grants: Grants
    channels: Channels
    access: AccessQueries
    outbox = tables.outbox

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        read_only: bool = False,
        check_cache: ChangeCache[CheckInputs] | None = None,
        committed: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(sessions)
        self._read_only = read_only
        self._check_cache = check_cache if read_only else None
        self._on_commit = committed

    def _opened(self) -> None:
        self.users = Users(self.session)
        self.teams = Teams(self.session)
        self.grants = Grants(self.session)
        self.channels = Channels(self.session)
        self.access = AccessQueries(self.session, cache=self._check_cache)

    def _committed(self) -> None:
        if self._on_commit is not None:
            self._on_commit()

    async def ensure_organization(self, org_id: uuid.UUID) -> None:
        """Organizations come from the identity provider: a row appears on first use."""
        await self.session.execute(
            insert(tables.organizations).values(id=org_id).on_conflict_do_nothing()
        )

    async def lock_organization(self, org_id: uuid.UUID) -> None:
        """Serialize the changes that must see the whole organization (its last admin)."""
        await self.session.execute(
            select(tables.organizations.c.id)
            .where(tables.organizations.c.id == org_id)
            .with_for_update()
        )

    async def publish(self, topic: Topic, event: Event[Any], *, key: str) -> None:
        if self._read_only:
            raise RuntimeError("a read-only unit of work publishes nothing")
        await super().publish(topic, event, key=key)
