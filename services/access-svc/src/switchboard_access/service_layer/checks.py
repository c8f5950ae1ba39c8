"""The check API and "channels this user can access": the effective-role rule applied to
what the database holds. Read-only."""

import uuid
from dataclasses import dataclass

from switchboard_access.adapters.unit_of_work import UnitOfWork
from switchboard_access.domain.model import Channel, User
from switchboard_access.domain.permissions import Decision, decide
from switchboard_access.domain.roles import ChannelGrants, EffectiveRole, effective_role
from switchboard_access.service_layer.authorization import require_self_service_or_admin
from switchboard_access.service_layer.errors import not_found
from switchboard_contracts.enums import ChannelAction
from switchboard_platform.auth.claims import Principal
from switchboard_platform.auth.standing import Caller


@dataclass(frozen=True)
class AccessibleChannel:
    channel: Channel
    effective: EffectiveRole


async def check(
    uow: UnitOfWork,
    caller: Caller,
    *,
    user_id: uuid.UUID,
    channel_id: uuid.UUID,
    action: ChannelAction,
) -> Decision:
    """Unknown (or foreign) channel or user: 404. Otherwise a decision, allowed or not."""
    async with uow:
        await require_self_service_or_admin(uow, caller, user_id)
        inputs = await uow.access.check_inputs(caller.org_id, user_id, channel_id)
    if not inputs.channel_known:
        raise not_found("channel", "channel_id")
    if inputs.member is None:
        raise not_found("user", "user_id")
    return decide(inputs.member, inputs.grants, action)


async def channels_of_user(
    uow: UnitOfWork, caller: Caller, user_id: uuid.UUID
) -> list[AccessibleChannel]:
    """The channel selector: every channel the user has a role on, with that role."""
    async with uow:
        await require_self_service_or_admin(uow, caller, user_id)
        user = await uow.users.get(caller.org_id, user_id)
        if user is None:
            raise not_found("user", "user_id")
        member = user.as_member()
        channels = await uow.channels.in_org(caller.org_id)
        grants = await uow.access.grants_for(caller.org_id, member)
    found = []
    for channel in channels:
        effective = effective_role(member, grants.get(channel.id, ChannelGrants()))
        if channel.in_selector and effective.has_access:
            found.append(AccessibleChannel(channel, effective))
    return found


async def own_standing(uow: UnitOfWork, principal: Principal) -> User:
    """The caller's own record (what other services ask before every request). Any
    verified user token may read its own, deactivated or not: that is how the others learn
    it is deactivated."""
    user_id = principal.user_id
    async with uow:
        user = None if user_id is None else await uow.users.get(principal.org_id, user_id)
    if user is None:
        raise not_found("user", "sub")
    return user
