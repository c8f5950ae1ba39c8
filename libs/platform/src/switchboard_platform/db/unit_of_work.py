"""One database transaction: begun on entering, committed on a clean exit, else rolled
back, and the session closed either way. Each service's `UnitOfWork` names its outbox
table (`outbox`) and adds its repositories (`_opened`) and its queries."""

from types import TracebackType
from typing import Any, ClassVar, Self

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from switchboard_contracts.envelope import Event
from switchboard_contracts.topics import Topic
from switchboard_platform.db.outbox import enqueue


class SessionUnitOfWork:
    session: AsyncSession
    outbox: ClassVar[Table]  # the service's outbox table

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def __aenter__(self) -> Self:
        self.session = self._sessions()
        await self.session.begin()
        self._opened()
        return self

    def _opened(self) -> None:
        """Build what works on `self.session` (repositories); nothing by default."""

    async def publish(self, topic: Topic, event: Event[Any], *, key: str) -> None:
        """Add `event` to the outbox in this transaction; the relay sends it to `topic`."""
        await enqueue(self.session, self.outbox, topic, event, key=key)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                await self.session.commit()
            else:
                await self.session.rollback()
        finally:
            await self.session.close()
        if exc_type is None:
            self._committed()

    def _committed(self) -> None:
        """After a clean commit (e.g. drop what a cache holds); nothing by default."""
