"""access.v1: forget cached check answers of the organization, and take ownership away
from whoever lost access to a channel (DOMAIN.md: "A user who loses access to the channel
loses ownership").

Which owners may be affected follows from the event; each is asked again (fresh, as the
service) whether they may still own conversations on that channel.
"""

import uuid
from typing import Any

from switchboard_contracts.enums import ActorKind, ChannelAction
from switchboard_contracts.envelope import Actor, Event
from switchboard_contracts.events.access import (
    GrantChanged,
    TeamChanged,
    TeamMembershipChanged,
    UserChanged,
)
from switchboard_conversation.adapters.access import AccessChecker
from switchboard_conversation.service_layer.context import ConversationContext
from switchboard_conversation.service_layer.recording import record

CONSUMER = "conversation-svc/access"
ACTOR = Actor(kind=ActorKind.SYSTEM, id="access_lost")


async def handle_access_event(context: ConversationContext, event: Event[Any]) -> None:
    if event.org_id is None:
        return
    context.access.forget(event.org_id)
    users = _affected_users(event)
    if users is None:
        return
    async with context.unit_of_work() as uow:
        owned = await uow.conversations.owned_by(event.org_id, users)
        if isinstance(event, GrantChanged):
            owned = [row for row in owned if row.channel_id == event.payload.channel_id]
    lost = await _lost(context.access, event.org_id, {(r.owner_id, r.channel_id) for r in owned})
    async with context.unit_of_work() as uow:
        if not await uow.first_delivery(CONSUMER, event.event_id):
            return
        changed = []
        for row in owned:
            if (row.owner_id, row.channel_id) not in lost:
                continue
            conversation = await uow.conversations.by_id_for_update(event.org_id, row.id)
            if conversation is not None:
                conversation.access_lost(row.owner_id, at=context.clock())
                changed.append(conversation)
        await record(
            uow,
            changed,
            actor=ACTOR,
            correlation_id=event.correlation_id,
            causation_id=event.event_id,
        )


def _affected_users(event: Event[Any]) -> list[uuid.UUID] | None:
    """The owners to look at: [] means every owner of the organization; None nobody."""
    match event:
        case GrantChanged():
            return []
        case UserChanged() if event.payload.change in ("deactivated", "updated"):
            return [event.payload.user_id]
        case TeamMembershipChanged():
            return [event.payload.user_id]
        case TeamChanged() if event.payload.change == "deleted":
            return []
    return None


async def _lost(
    access: AccessChecker, org_id: uuid.UUID, pairs: set[tuple[uuid.UUID, uuid.UUID]]
) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """Owners access-svc now refuses ownership; one it does not know (an admin who exists
    only in their token) keeps it."""
    lost = set()
    for user_id, channel_id in pairs:
        decision = await access.check(
            org_id=org_id,
            user_id=user_id,
            channel_id=channel_id,
            action=ChannelAction.TAKE_OWNERSHIP,
            fresh=True,
        )
        if not decision.allowed and decision.verdict != "unknown":
            lost.add((user_id, channel_id))
    return lost
