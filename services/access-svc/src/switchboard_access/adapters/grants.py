"""The grants on channels: to users, to teams (with per-member roles), and the All Users /
All Teams toggles. One `GrantKey` names any of them."""

import uuid
from typing import Any, NamedTuple

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from switchboard_access.adapters import tables
from switchboard_access.domain.model import GrantKey
from switchboard_contracts.enums import ChannelRole, PrincipalKind

_mr = tables.member_roles.c
_tg = tables.team_grants.c


class Grants:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def role(self, key: GrantKey) -> ChannelRole | None:
        place = _locate(key)
        found = await self._session.scalar(select(place.table.c.role).where(*place.where))
        return None if found is None else ChannelRole(found)

    async def put(self, org_id: uuid.UUID, key: GrantKey, role: ChannelRole) -> None:
        place = _locate(key)
        await self._session.execute(
            insert(place.table)
            .values(**place.identity, org_id=org_id, role=role.value)
            .on_conflict_do_update(
                index_elements=[c.name for c in place.table.primary_key.columns],
                set_={"role": role.value},
            )
        )

    async def remove(self, key: GrantKey) -> None:
        place = _locate(key)
        await self._session.execute(delete(place.table).where(*place.where))

    async def member_roles_of_user(
        self, org_id: uuid.UUID, user_id: uuid.UUID
    ) -> list[tuple[GrantKey, ChannelRole]]:
        rows = await self._session.execute(
            select(_mr.channel_id, _mr.team_id, _mr.role)
            .where(_mr.org_id == org_id, _mr.user_id == user_id)
            .order_by(_mr.channel_id)
        )
        return [
            (_member_key(row.channel_id, row.team_id, user_id), ChannelRole(row.role))
            for row in rows
        ]

    async def member_roles_in_team_grant(
        self, team_grant: GrantKey
    ) -> list[tuple[GrantKey, ChannelRole]]:
        channel_id, team_id = team_grant.channel_id, team_grant.principal_id
        if team_grant.kind is not PrincipalKind.TEAM or team_id is None:
            raise ValueError("not a team grant")
        rows = await self._session.execute(
            select(_mr.user_id, _mr.role)
            .where(_mr.channel_id == channel_id, _mr.team_id == team_id)
            .order_by(_mr.user_id)
        )
        return [
            (_member_key(channel_id, team_id, row.user_id), ChannelRole(row.role)) for row in rows
        ]

    async def team_grants_of_team(
        self, org_id: uuid.UUID, team_id: uuid.UUID
    ) -> list[tuple[GrantKey, ChannelRole]]:
        rows = await self._session.execute(
            select(_tg.channel_id, _tg.role)
            .where(_tg.org_id == org_id, _tg.team_id == team_id)
            .order_by(_tg.channel_id)
        )
        return [
            (GrantKey(row.channel_id, PrincipalKind.TEAM, team_id), ChannelRole(row.role))
            for row in rows
        ]


def _member_key(channel_id: uuid.UUID, team_id: uuid.UUID, user_id: uuid.UUID) -> GrantKey:
    return GrantKey(channel_id, PrincipalKind.TEAM, team_id, member_user_id=user_id)


class _Place(NamedTuple):
    table: Table
    identity: dict[str, Any]

    @property
    def where(self) -> list[ColumnElement[bool]]:
        return [self.table.c[name] == value for name, value in self.identity.items()]


def _locate(key: GrantKey) -> _Place:
    """The table a grant lives in and the columns that identify it there."""
    identity: dict[str, Any]
    if key.kind is PrincipalKind.USER:
        table = tables.user_grants
        identity = {"channel_id": key.channel_id, "user_id": key.principal_id}
    elif key.kind is PrincipalKind.TEAM and key.member_user_id is not None:
        table = tables.member_roles
        identity = {
            "channel_id": key.channel_id,
            "user_id": key.member_user_id,
            "team_id": key.principal_id,
        }
    elif key.kind is PrincipalKind.TEAM:
        table = tables.team_grants
        identity = {"channel_id": key.channel_id, "team_id": key.principal_id}
    else:
        table = tables.org_grants
        identity = {"channel_id": key.channel_id, "kind": key.kind.value}
    return _Place(table, identity)
