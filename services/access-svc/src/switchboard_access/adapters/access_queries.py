"""The reads behind the check API, "channels this user can access", and a channel's
access list. The check is one round trip (the user, their team and every grant of the
channel that can apply to them), or none when the change cache holds its answer."""

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import BindParameter, Select, Uuid, bindparam, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard_access.adapters import tables
from switchboard_access.adapters.change_cache import ChangeCache
from switchboard_access.domain.roles import ChannelGrants, Member
from switchboard_contracts.enums import ChannelRole, OrgRole, PrincipalKind

_u, _m, _c = tables.users.c, tables.team_members.c, tables.channels.c
_ug, _tg, _mr, _og = (
    tables.user_grants.c,
    tables.team_grants.c,
    tables.member_roles.c,
    tables.org_grants.c,
)


@dataclass(frozen=True)
class CheckInputs:
    channel_known: bool
    member: Member | None  # None: no such user in the organization
    grants: ChannelGrants


@dataclass
class ChannelAccessRows:
    """Every grant on one channel, for the admin's view."""

    users: dict[uuid.UUID, ChannelRole] = field(default_factory=dict)
    teams: dict[uuid.UUID, ChannelRole] = field(default_factory=dict)
    members: dict[uuid.UUID, dict[uuid.UUID, ChannelRole]] = field(default_factory=dict)
    toggles: dict[PrincipalKind, ChannelRole] = field(default_factory=dict)


class AccessQueries:
    def __init__(
        self, session: AsyncSession, *, cache: ChangeCache[CheckInputs] | None = None
    ) -> None:
        self._session = session
        self._cache = cache

    async def check_inputs(
        self, org_id: uuid.UUID, user_id: uuid.UUID, channel_id: uuid.UUID
    ) -> CheckInputs:
        if self._cache is None:
            return await self._read_check_inputs(org_id, user_id, channel_id)
        return await self._cache.through(
            org_id,
            (user_id, channel_id),
            lambda: self._read_check_inputs(org_id, user_id, channel_id),
        )

    async def _read_check_inputs(
        self, org_id: uuid.UUID, user_id: uuid.UUID, channel_id: uuid.UUID
    ) -> CheckInputs:
        params = {"org_id": org_id, "user_id": user_id, "channel_id": channel_id}
        row = (await self._session.execute(_CHECK, params)).first()
        if row is None:
            known = await self._session.scalar(select(_CHANNEL_KNOWN), params)
            return CheckInputs(bool(known), None, ChannelGrants())
        member = Member(user_id, OrgRole(row.org_role), row.active, row.team_id)
        return CheckInputs(row.channel_known, member, _grants(row, user_id))

    async def grants_for(self, org_id: uuid.UUID, member: Member) -> dict[uuid.UUID, ChannelGrants]:
        """Per channel of the organization, every grant that can apply to `member`."""
        user, team = member.user_id, member.team_id
        users = await self._roles(
            select(_ug.channel_id, _ug.role).where(_ug.org_id == org_id, _ug.user_id == user)
        )
        teams: dict[uuid.UUID, ChannelRole] = {}
        members: dict[uuid.UUID, ChannelRole] = {}
        if team is not None:
            teams = await self._roles(
                select(_tg.channel_id, _tg.role).where(_tg.org_id == org_id, _tg.team_id == team)
            )
            members = await self._roles(
                select(_mr.channel_id, _mr.role).where(_mr.team_id == team, _mr.user_id == user)
            )
        all_teams = await self._roles(_toggle(org_id, PrincipalKind.ALL_TEAMS))
        all_users = await self._roles(_toggle(org_id, PrincipalKind.ALL_USERS))
        channel_ids = set(users) | set(teams) | set(members) | set(all_teams) | set(all_users)
        return {
            channel_id: ChannelGrants(
                users={user: users[channel_id]} if channel_id in users else {},
                teams={team: teams[channel_id]} if team and channel_id in teams else {},
                members={(team, user): members[channel_id]}
                if team and channel_id in members
                else {},
                all_teams=all_teams.get(channel_id),
                all_users=all_users.get(channel_id),
            )
            for channel_id in channel_ids
        }

    async def channel_access(self, org_id: uuid.UUID, channel_id: uuid.UUID) -> ChannelAccessRows:
        on_channel = (org_id, channel_id)
        found = ChannelAccessRows(
            users=await self._roles(select(_ug.user_id, _ug.role).where(*_on(_ug, *on_channel))),
            teams=await self._roles(select(_tg.team_id, _tg.role).where(*_on(_tg, *on_channel))),
        )
        found.members = {team_id: {} for team_id in found.teams}
        rows = await self._session.execute(
            select(_mr.team_id, _mr.user_id, _mr.role).where(*_on(_mr, *on_channel))
        )
        for team_id, user_id, role in rows.all():
            found.members[team_id][user_id] = ChannelRole(role)
        toggles = await self._session.execute(
            select(_og.kind, _og.role).where(*_on(_og, *on_channel))
        )
        found.toggles = {PrincipalKind(kind): ChannelRole(role) for kind, role in toggles.all()}
        return found

    async def _roles(self, statement: Select[Any]) -> dict[uuid.UUID, ChannelRole]:
        """(id, role) rows -> {id: role}."""
        rows = (await self._session.execute(statement)).all()
        return {key: ChannelRole(role) for key, role in rows}


def _on(columns: Any, org_id: uuid.UUID, channel_id: uuid.UUID) -> list[Any]:
    return [columns.org_id == org_id, columns.channel_id == channel_id]


def _toggle(org_id: uuid.UUID, kind: PrincipalKind) -> Select[Any]:
    return select(_og.channel_id, _og.role).where(_og.org_id == org_id, _og.kind == kind.value)


# The check's one statement, built once (the check is the hot path): the user, their team,
# whether the channel exists in the organization, and every grant that can apply to them.
_ORG: BindParameter[uuid.UUID] = bindparam("org_id", type_=Uuid)
_USER: BindParameter[uuid.UUID] = bindparam("user_id", type_=Uuid)
_CHANNEL: BindParameter[uuid.UUID] = bindparam("channel_id", type_=Uuid)
_CHANNEL_KNOWN = exists().where(_c.org_id == _ORG, _c.id == _CHANNEL)
_CHECK = (
    select(
        _CHANNEL_KNOWN.label("channel_known"),
        _u.org_role,
        _u.active,
        _m.team_id,
        select(_ug.role)
        .where(_ug.org_id == _ORG, _ug.channel_id == _CHANNEL, _ug.user_id == _USER)
        .scalar_subquery()
        .label("user_role"),
        select(_tg.role)
        .where(_tg.channel_id == _CHANNEL, _tg.team_id == _m.team_id)
        .scalar_subquery()
        .label("team_role"),
        select(_mr.role)
        .where(_mr.channel_id == _CHANNEL, _mr.user_id == _USER, _mr.team_id == _m.team_id)
        .scalar_subquery()
        .label("member_role"),
        select(_og.role)
        .where(_og.org_id == _ORG, _og.channel_id == _CHANNEL, _og.kind == "all_teams")
        .scalar_subquery()
        .label("all_teams_role"),
        select(_og.role)
        .where(_og.org_id == _ORG, _og.channel_id == _CHANNEL, _og.kind == "all_users")
        .scalar_subquery()
        .label("all_users_role"),
    )
    .select_from(tables.users.outerjoin(tables.team_members, _m.user_id == _u.id))
    .where(_u.org_id == _ORG, _u.id == _USER)
)


def _grants(row: Any, user_id: uuid.UUID) -> ChannelGrants:
    def role(value: str | None) -> ChannelRole | None:
        return None if value is None else ChannelRole(value)

    team_id = row.team_id
    user_role, team_role, member_role = (
        role(row.user_role),
        role(row.team_role),
        role(row.member_role),
    )
    return ChannelGrants(
        users={user_id: user_role} if user_role else {},
        teams={team_id: team_role} if team_id and team_role else {},
        members={(team_id, user_id): member_role} if team_id and member_role else {},
        all_teams=role(row.all_teams_role),
        all_users=role(row.all_users_role),
    )
