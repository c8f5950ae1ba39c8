"""A channel's grants (admins only): to users, to teams, per-member roles within a team's
grant, and the All Users / All Teams toggles. Each change is one `access.grant.changed`;
setting the role a grant already has changes nothing and announces nothing."""

import uuid
from dataclasses import dataclass

from switchboard_access.adapters.access_queries import ChannelAccessRows
from switchboard_access.adapters.unit_of_work import UnitOfWork
from switchboard_access.domain.model import GrantChange, GrantKey
from switchboard_access.service_layer import published_events as events
from switchboard_access.service_layer.authorization import require_admin
from switchboard_access.service_layer.context import ChangeContext
from switchboard_access.service_layer.errors import not_found
from switchboard_contracts.enums import ChannelRole, PrincipalKind
from switchboard_contracts.topics import ACCESS
from switchboard_platform.auth.standing import Caller


@dataclass(frozen=True)
class GrantTarget:
    """What the request names: the principal of a grant, before its channel is known."""

    kind: PrincipalKind
    principal_id: uuid.UUID | None = None
    member_user_id: uuid.UUID | None = None

    def on(self, channel_id: uuid.UUID) -> GrantKey:
        return GrantKey(channel_id, self.kind, self.principal_id, self.member_user_id)


async def set_grant(
    uow: UnitOfWork,
    caller: Caller,
    channel_id: uuid.UUID,
    target: GrantTarget,
    role: ChannelRole,
) -> GrantChange:
    async with uow:
        ctx = await require_admin(uow, caller)
        key = await _resolve(uow, ctx, channel_id, target)
        previous = await uow.grants.role(key)
        change = GrantChange(key, role, previous)
        if previous is not role:
            await uow.grants.put(ctx.org_id, key, role)
            await uow.publish(ACCESS, events.grant_changed(ctx, change), key=str(ctx.org_id))
        return change


async def remove_grant(
    uow: UnitOfWork, caller: Caller, channel_id: uuid.UUID, target: GrantTarget
) -> None:
    async with uow:
        ctx = await require_admin(uow, caller)
        key = await _resolve(uow, ctx, channel_id, target)
        previous = await uow.grants.role(key)
        if previous is None:
            raise not_found("grant", _field_of(target))
        if key.kind is PrincipalKind.TEAM and key.member_user_id is None:
            # The per-member roles live inside the team's grant: they go with it.
            for member_key, role in await uow.grants.member_roles_in_team_grant(key):
                await uow.grants.remove(member_key)
                await uow.publish(
                    ACCESS,
                    events.grant_changed(ctx, GrantChange(member_key, None, role)),
                    key=str(ctx.org_id),
                )
        await uow.grants.remove(key)
        await uow.publish(
            ACCESS, events.grant_changed(ctx, GrantChange(key, None, previous)), key=str(ctx.org_id)
        )


async def channel_access(
    uow: UnitOfWork, caller: Caller, channel_id: uuid.UUID
) -> ChannelAccessRows:
    async with uow:
        ctx = await require_admin(uow, caller)
        if await uow.channels.get(ctx.org_id, channel_id) is None:
            raise not_found("channel", "channel_id")
        return await uow.access.channel_access(ctx.org_id, channel_id)


async def _resolve(
    uow: UnitOfWork, ctx: ChangeContext, channel_id: uuid.UUID, target: GrantTarget
) -> GrantKey:
    """Check that everything the grant names exists in the caller's organization, locking
    the channel (grant changes of one channel are serialized) and the people involved."""
    if await uow.channels.get(ctx.org_id, channel_id, for_update=True) is None:
        raise not_found("channel", "channel_id")
    key = target.on(channel_id)
    if target.kind is PrincipalKind.USER and target.principal_id is not None:
        if await uow.users.get(ctx.org_id, target.principal_id) is None:
            raise not_found("user", "user_id")
    elif target.kind is PrincipalKind.TEAM and target.principal_id is not None:
        if await uow.teams.get(ctx.org_id, target.principal_id) is None:
            raise not_found("team", "team_id")
        if target.member_user_id is not None:
            await _require_member(uow, ctx, key, target.member_user_id)
    return key


async def _require_member(
    uow: UnitOfWork, ctx: ChangeContext, key: GrantKey, user_id: uuid.UUID
) -> None:
    member = await uow.users.get(ctx.org_id, user_id, for_update=True)
    if member is None or member.team_id != key.principal_id:
        raise not_found("member of this team", "user_id")
    team_grant = GrantKey(key.channel_id, PrincipalKind.TEAM, key.principal_id)
    if await uow.grants.role(team_grant) is None:
        raise not_found("grant to this team on this channel", "team_id")


def _field_of(target: GrantTarget) -> str:
    if target.member_user_id is not None or target.kind is PrincipalKind.USER:
        return "user_id"
    if target.kind is PrincipalKind.TEAM:
        return "team_id"
    return "channel_id"
