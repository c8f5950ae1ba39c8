"""What agents read: queues and conversations (each checked against access-svc: read)."""

import uuid
from dataclasses import dataclass, replace
from typing import Any

from switchboard_contracts.enums import ChannelAction
from switchboard_conversation.adapters.reports import Report
from switchboard_conversation.domain.channel import ChannelView
from switchboard_conversation.domain.queues import QueueFilter
from switchboard_conversation.service_layer.actions import channel_of
from switchboard_conversation.service_layer.authorization import authorize
from switchboard_conversation.service_layer.context import Caller, ConversationContext
from switchboard_conversation.service_layer.errors import NotFoundError


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_cursor: str | None


@dataclass(frozen=True)
class Detail:
    conversation: Any
    messages: list[Any]
    notes: list[Any]
    history: list[Any]


async def channel(
    context: ConversationContext, caller: Caller, channel_id: uuid.UUID
) -> ChannelView:
    """The channel as this service applies its settings (anyone who may read it)."""
    await authorize(context, caller, channel_id, ChannelAction.READ)
    async with context.unit_of_work() as uow:
        found = await uow.channel(caller.org_id, channel_id)
    if found is None:  # disconnected and gone since the check
        raise NotFoundError("channel", "channel_id")
    return found


async def channel_queue(
    context: ConversationContext, caller: Caller, channel_id: uuid.UUID, query: QueueFilter
) -> Page:
    await authorize(context, caller, channel_id, ChannelAction.READ)
    return await _page(context, caller, replace(query, channel_ids=[channel_id]))


async def my_queue(context: ConversationContext, caller: Caller, query: QueueFilter) -> Page:
    """Across every channel the caller can access (access-svc's channel selector)."""
    if caller.principal.is_service:
        raise NotFoundError("user")
    channels = await context.access.channels_of(
        org_id=caller.org_id, user_id=caller.user_id, bearer=caller.bearer
    )
    return await _page(context, caller, replace(query, channel_ids=[c for c, _ in channels]))


async def _page(context: ConversationContext, caller: Caller, query: QueueFilter) -> Page:
    if not query.channel_ids:
        return Page([], None)
    async with context.unit_of_work() as uow:
        items, cursor = await uow.reads.queue(caller.org_id, caller.user_id, query)
    return Page(items, cursor)


async def conversation_detail(
    context: ConversationContext, caller: Caller, conversation_id: uuid.UUID
) -> Detail:
    channel_id = await channel_of(context, caller.org_id, conversation_id)
    await authorize(context, caller, channel_id, ChannelAction.READ)
    async with context.unit_of_work() as uow:
        page, _ = await uow.reads.queue(
            caller.org_id,
            caller.user_id,
            QueueFilter(channel_ids=[channel_id], limit=1, conversation_id=conversation_id),
        )
        messages, notes, history = await uow.reads.detail(conversation_id)
    if not page:
        raise NotFoundError("conversation", "conversation_id")
    return Detail(page[0], messages, notes, history)


async def report(
    context: ConversationContext, caller: Caller, channel_id: uuid.UUID, start: Any, end: Any
) -> Report:
    await authorize(context, caller, channel_id, ChannelAction.VIEW_REPORTS)
    async with context.unit_of_work() as uow:
        return await uow.reads.report(caller.org_id, channel_id, start, end)
