"""Teams of an organization and their members (a user is in at most one: the primary key
of `team_members` is the user)."""

import uuid
from collections import defaultdict

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard_access.adapters import tables
from switchboard_access.domain.model import Team

_t = tables.teams.c
_m = tables.team_members.c


class Teams:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(
        self, org_id: uuid.UUID, team_id: uuid.UUID, *, for_update: bool = False
    ) -> Team | None:
        statement = select(tables.teams).where(_t.org_id == org_id, _t.id == team_id)
        if for_update:
            statement = statement.with_for_update()
        row = (await self._session.execute(statement)).first()
        return None if row is None else Team(row.id, row.org_id, row.name)

    async def in_org(self, org_id: uuid.UUID) -> list[Team]:
        rows = await self._session.execute(
            select(tables.teams).where(_t.org_id == org_id).order_by(_t.name, _t.id)
        )
        return [Team(row.id, row.org_id, row.name) for row in rows]

    async def name_taken(self, org_id: uuid.UUID, name: str, *, other_than: uuid.UUID) -> bool:
        found = await self._session.scalar(
            select(_t.id).where(
                _t.org_id == org_id, func.lower(_t.name) == name.lower(), _t.id != other_than
            )
        )
        return found is not None

    async def add(self, team: Team) -> bool:
        """Insert; False when the name (in any case) is taken in the organization."""
        statement = (
            insert(tables.teams)
            .values(id=team.id, org_id=team.org_id, name=team.name)
            .on_conflict_do_nothing()
            .returning(_t.id)
        )
        return (await self._session.execute(statement)).first() is not None

    async def rename(self, team: Team) -> None:
        await self._session.execute(
            update(tables.teams)
            .where(_t.org_id == team.org_id, _t.id == team.id)
            .values(name=team.name)
        )

    async def delete(self, team: Team) -> None:
        await self._session.execute(
            delete(tables.teams).where(_t.org_id == team.org_id, _t.id == team.id)
        )

    async def members(
        self, org_id: uuid.UUID, team_ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, list[uuid.UUID]]:
        rows = await self._session.execute(
            select(_m.team_id, _m.user_id)
            .where(_m.org_id == org_id, _m.team_id.in_(team_ids))
            .order_by(_m.created_at, _m.user_id)
        )
        found: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
        for row in rows:
            found[row.team_id].append(row.user_id)
        return {team_id: found.get(team_id, []) for team_id in team_ids}

    async def join(self, org_id: uuid.UUID, team_id: uuid.UUID, user_id: uuid.UUID) -> None:
        await self._session.execute(
            insert(tables.team_members).values(org_id=org_id, team_id=team_id, user_id=user_id)
        )

    async def leave(self, org_id: uuid.UUID, user_id: uuid.UUID) -> None:
        await self._session.execute(
            delete(tables.team_members).where(_m.org_id == org_id, _m.user_id == user_id)
        )
