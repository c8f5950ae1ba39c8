"""The callers' standing from this service's own records: the shared `CurrentCaller` rule
(`switchboard_platform.auth.standing`) applied to access-svc itself, read from the
database or from the change cache (dropped with every committed change of the
organization, see `change_cache.py`)."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from switchboard_access.adapters.change_cache import ChangeCache
from switchboard_access.adapters.users import Users
from switchboard_platform.auth.standing import Standing


class DatabaseStanding:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        cache: ChangeCache[Standing | None] | None = None,
    ) -> None:
        self._sessions = sessions
        self._cache = cache

    async def standing(self, org_id: uuid.UUID, user_id: uuid.UUID, bearer: str) -> Standing | None:
        del bearer  # the token was verified; the record decides
        if self._cache is None:
            return await self._read(org_id, user_id)
        return await self._cache.through(org_id, user_id, lambda: self._read(org_id, user_id))

    async def _read(self, org_id: uuid.UUID, user_id: uuid.UUID) -> Standing | None:
        async with self._sessions() as session:
            user = await Users(session).get(org_id, user_id)
        if user is None:
            return None
        return Standing(user.id, user.org_role, user.active, user.team_id)

    def forget(self, org_id: uuid.UUID) -> None:
        if self._cache is not None:
            self._cache.changed(org_id)

    async def aclose(self) -> None:
        return None
