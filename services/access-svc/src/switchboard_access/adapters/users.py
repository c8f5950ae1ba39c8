"""Users of an organization (each with the team they are in, if any)."""

import uuid
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard_access.adapters import tables
from switchboard_access.domain.model import User
from switchboard_contracts.enums import OrgRole

_u = tables.users.c
_m = tables.team_members.c


class Users:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(
        self, org_id: uuid.UUID, user_id: uuid.UUID, *, for_update: bool = False
    ) -> User | None:
        statement = _select().where(_u.org_id == org_id, _u.id == user_id)
        if for_update:
            statement = statement.with_for_update(of=tables.users)
        row = (await self._session.execute(statement)).first()
        return None if row is None else _user(row)

    async def in_org(self, org_id: uuid.UUID) -> list[User]:
        rows = await self._session.execute(
            _select().where(_u.org_id == org_id).order_by(_u.display_name, _u.id)
        )
        return [_user(row) for row in rows]

    async def has_active_admin(
        self, org_id: uuid.UUID, *, besides: uuid.UUID | None = None
    ) -> bool:
        """Whether the organization has an active admin (other than `besides`)."""
        statement = select(_u.id).where(
            _u.org_id == org_id, _u.org_role == OrgRole.ADMIN.value, _u.active
        )
        if besides is not None:
            statement = statement.where(_u.id != besides)
        return await self._session.scalar(statement.limit(1)) is not None

    async def add(self, user: User) -> bool:
        """Insert; False when the id or the email (in any case) is taken."""
        statement = (
            insert(tables.users)
            .values(
                id=user.id,
                org_id=user.org_id,
                email=user.email,
                display_name=user.display_name,
                org_role=user.org_role.value,
                active=user.active,
            )
            .on_conflict_do_nothing()
            .returning(_u.id)
        )
        return (await self._session.execute(statement)).first() is not None

    async def save(self, user: User) -> None:
        await self._session.execute(
            update(tables.users)
            .where(_u.org_id == user.org_id, _u.id == user.id)
            .values(
                display_name=user.display_name, org_role=user.org_role.value, active=user.active
            )
        )


def _select() -> Select[Any]:
    return select(tables.users, _m.team_id).select_from(
        tables.users.outerjoin(tables.team_members, _m.user_id == _u.id)
    )


def _user(row: Any) -> User:
    return User(
        id=row.id,
        org_id=row.org_id,
        email=row.email,
        display_name=row.display_name,
        org_role=OrgRole(row.org_role),
        active=row.active,
        team_id=row.team_id,
    )
