"""The shape of every agent action: find the conversation's channel, ask access-svc,
then lock the conversation and change it, all before anything is written."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from switchboard_contracts.enums import ChannelAction
from switchboard_conversation.adapters.unit_of_work import UnitOfWork
from switchboard_conversation.domain.conversation import Conversation
from switchboard_conversation.service_layer.authorization import authorize
from switchboard_conversation.service_layer.context import Caller, ConversationContext
from switchboard_conversation.service_layer.errors import NotFoundError


async def channel_of(
    context: ConversationContext, org_id: uuid.UUID, conversation_id: uuid.UUID
) -> uuid.UUID:
    async with context.unit_of_work() as uow:
        channel_id = await uow.reads.channel_of(org_id, conversation_id)
    if channel_id is None:
        raise NotFoundError("conversation", "conversation_id")
    return channel_id


@asynccontextmanager
async def locked(
    context: ConversationContext, caller: Caller, conversation_id: uuid.UUID, action: ChannelAction
) -> AsyncIterator[tuple[UnitOfWork, Conversation]]:
    """Authorized first (404 / 403 change nothing), then the conversation, locked."""
    channel_id = await channel_of(context, caller.org_id, conversation_id)
    await authorize(context, caller, channel_id, action)
    async with context.unit_of_work() as uow:
        conversation = await uow.conversations.by_id_for_update(caller.org_id, conversation_id)
        if conversation is None:
            raise NotFoundError("conversation", "conversation_id")
        yield uow, conversation
