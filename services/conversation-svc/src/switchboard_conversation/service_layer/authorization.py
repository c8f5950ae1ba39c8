"""Every agent action is checked against access-svc before anything changes.

One rule first: a channel the caller may see is a channel of the caller's organization
in this service's view (from channels.v1); any other id, of another organization or of
nothing, answers the same 404 before access-svc is asked. Then access-svc decides: no
access to the channel is 404 too (it does not exist for the caller); a role too low, 403
naming the action and the least role that would allow it. An admin on record (the
standing, not the token) is a Supervisor of a channel access-svc has not heard of yet.
"""

import uuid

from switchboard_contracts.enums import ChannelAction, ChannelRole
from switchboard_conversation.adapters.access import AccessChecker
from switchboard_conversation.service_layer.context import Caller, ConversationContext
from switchboard_conversation.service_layer.errors import ForbiddenError, NotFoundError

MAY = {
    ChannelAction.READ: "read this channel's conversations",
    ChannelAction.MOVE: "move conversations",
    ChannelAction.LABEL: "change tags, topics and notes",
    ChannelAction.REPLY: "reply to customers",
    ChannelAction.TAKE_OWNERSHIP: "take ownership",
    ChannelAction.ASSIGN_OWNERSHIP: "assign or remove another agent's ownership",
    ChannelAction.VIEW_REPORTS: "see reports",
}


async def visible_channel(
    context: ConversationContext, caller: Caller, channel_id: uuid.UUID
) -> None:
    """404 unless the channel is one of the caller's organization."""
    async with context.unit_of_work() as uow:
        if await uow.channel(caller.org_id, channel_id) is None:
            raise NotFoundError("channel", "channel_id")


async def authorize(
    context: ConversationContext, caller: Caller, channel_id: uuid.UUID, action: ChannelAction
) -> ChannelRole | None:
    if caller.principal.is_service:
        raise ForbiddenError(action, None, "Agent actions need a user's token, not a service's.")
    await visible_channel(context, caller, channel_id)
    decision = await context.access.check(
        org_id=caller.org_id,
        user_id=caller.user_id,
        channel_id=channel_id,
        action=action,
        bearer=caller.bearer,
    )
    if decision.allowed:
        return decision.role
    if decision.verdict == "unknown" and caller.is_admin:
        return ChannelRole.SUPERVISOR
    if decision.verdict == "role_too_low":
        required = decision.required_role
        role = decision.role.value if decision.role else "none"
        raise ForbiddenError(
            action,
            required,
            f"To {MAY[action]} ({action.value}) you need the role "
            f"{required.value if required else 'higher'} on this channel; you are {role}.",
        )
    raise NotFoundError("conversation or channel")


async def may_own(
    access: AccessChecker, org_id: uuid.UUID, user_id: uuid.UUID, channel_id: uuid.UUID
) -> bool:
    """An owner is a user with Contributor or higher on the channel (asked as the service)."""
    decision = await access.check(
        org_id=org_id,
        user_id=user_id,
        channel_id=channel_id,
        action=ChannelAction.TAKE_OWNERSHIP,
        fresh=True,
    )
    return decision.allowed
