"""The callers' standing from this service's own records: the shared `CurrentCaller` rule
(`switchboard_platform.auth.standing`) applied to access-svc itself, read fresh on every
request (no cache: the record is local)."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from switchboard_access.adapters.users import Users
from switchboard_platform.auth.standing import Standing


class DatabaseStanding:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def standing(self, org_id: uuid.UUID, user_id: uuid.UUID, bearer: str) -> Standing | None:
        del bearer  # the token was verified; the record decides
        async with self._sessions() as session:
            user = await Users(session).get(org_id, user_id)
        if user is None:
            return None
        return Standing(user.id, user.org_role, user.active, user.team_id)

    def forget(self, org_id: uuid.UUID) -> None:
        del org_id  # nothing cached

    async def aclose(self) -> None:
        return None
