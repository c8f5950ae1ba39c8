"""Agents' actions on a conversation: move, ownership, tags, topics, notes.

Each names the channel action access-svc decides (DOMAIN.md, "Access to a channel and
roles"), is checked before anything changes, and records its changes as events.
"""

import uuid

from switchboard_contracts.enums import ChannelAction, QueueStatus
from switchboard_conversation.domain.conversation import Conversation, Note
from switchboard_conversation.domain.errors import ConflictError, InvalidActionError
from switchboard_conversation.service_layer.actions import channel_of, locked
from switchboard_conversation.service_layer.authorization import authorize, may_own
from switchboard_conversation.service_layer.context import Caller, ConversationContext
from switchboard_conversation.service_layer.errors import NotFoundError
from switchboard_conversation.service_layer.recording import record


async def move(
    context: ConversationContext, caller: Caller, conversation_id: uuid.UUID, to: QueueStatus
) -> Conversation:
    async with locked(context, caller, conversation_id, ChannelAction.MOVE) as (uow, conversation):
        conversation.move(to, at=context.clock())
        await record(uow, [conversation], actor=caller.actor, correlation_id=uuid.uuid4())
        return conversation


async def take(
    context: ConversationContext, caller: Caller, conversation_id: uuid.UUID
) -> Conversation:
    """Take it for oneself (Contributor). Taking it from another agent removes their
    ownership: a Supervisor's action (DOMAIN.md, "Access to a channel and roles")."""
    action = await _ownership_action(context, caller, conversation_id)
    async with locked(context, caller, conversation_id, action) as (uow, conversation):
        _unchanged_owner(conversation, caller, action)
        conversation.take(caller.user_id, at=context.clock())
        await record(uow, [conversation], actor=caller.actor, correlation_id=uuid.uuid4())
        return conversation


async def assign(
    context: ConversationContext,
    caller: Caller,
    conversation_id: uuid.UUID,
    owner_id: uuid.UUID | None,
) -> Conversation:
    """Assign to someone (or nobody). Oneself: taking; someone else: a Supervisor's action,
    and the new owner must be Contributor or higher on the channel."""
    if owner_id == caller.user_id:
        return await take(context, caller, conversation_id)
    channel_id = await channel_of(context, caller.org_id, conversation_id)
    action = ChannelAction.ASSIGN_OWNERSHIP
    if owner_id is None:
        action = await _ownership_action(context, caller, conversation_id)
    await authorize(context, caller, channel_id, action)
    if owner_id is not None and not await may_own(
        context.access, caller.org_id, owner_id, channel_id
    ):
        raise InvalidActionError(
            "owner_id", "The owner must be a user with Contributor or higher on the channel."
        )
    async with locked(context, caller, conversation_id, action) as (uow, conversation):
        _unchanged_owner(conversation, caller, action)
        if owner_id is None:
            conversation.unassign(at=context.clock())
        else:
            conversation.assign(owner_id, at=context.clock())
        await record(uow, [conversation], actor=caller.actor, correlation_id=uuid.uuid4())
        return conversation


async def _ownership_action(
    context: ConversationContext, caller: Caller, conversation_id: uuid.UUID
) -> ChannelAction:
    """Taking or giving up one's own ownership needs what taking needs; changing anyone
    else's, Supervisor."""
    async with context.unit_of_work() as uow:
        conversation = await uow.conversations.by_id_for_update(caller.org_id, conversation_id)
    if conversation is None:
        raise NotFoundError("conversation", "conversation_id")
    if conversation.state.owner_id in (None, caller.user_id):
        return ChannelAction.TAKE_OWNERSHIP
    return ChannelAction.ASSIGN_OWNERSHIP


def _unchanged_owner(conversation: Conversation, caller: Caller, action: ChannelAction) -> None:
    """Checked for taking; someone else took it meanwhile: refuse rather than take it over."""
    owner = conversation.state.owner_id
    if action is ChannelAction.TAKE_OWNERSHIP and owner not in (None, caller.user_id):
        raise ConflictError("Someone else owns this conversation now; ask a Supervisor.")


async def tag(
    context: ConversationContext,
    caller: Caller,
    conversation_id: uuid.UUID,
    label: str,
    *,
    add: bool,
) -> Conversation:
    async with locked(context, caller, conversation_id, ChannelAction.LABEL) as (uow, conversation):
        if add:
            conversation.tag(label, at=context.clock())
        else:
            conversation.untag(label, at=context.clock())
        await record(uow, [conversation], actor=caller.actor, correlation_id=uuid.uuid4())
        return conversation


async def topic(
    context: ConversationContext,
    caller: Caller,
    conversation_id: uuid.UUID,
    topic_id: uuid.UUID,
    *,
    add: bool,
) -> Conversation:
    async with locked(context, caller, conversation_id, ChannelAction.LABEL) as (uow, conversation):
        # A topic id is one of the organization's list; any other (another organization's
        # or nothing's) answers 404 like every id in a path. One the list has dropped can
        # still be removed from a conversation that keeps it.
        listed = await uow.topics.exists(caller.org_id, topic_id)
        if add:
            if not listed:
                raise NotFoundError("topic", "topic_id")
            conversation.add_topic(topic_id, at=context.clock())
        else:
            if not listed and topic_id not in conversation.state.topic_ids:
                raise NotFoundError("topic", "topic_id")
            conversation.remove_topic(topic_id, at=context.clock())
        await record(uow, [conversation], actor=caller.actor, correlation_id=uuid.uuid4())
        return conversation


async def add_note(
    context: ConversationContext, caller: Caller, conversation_id: uuid.UUID, text: str
) -> tuple[Conversation, Note]:
    async with locked(context, caller, conversation_id, ChannelAction.LABEL) as (uow, conversation):
        note = Note(uuid.uuid4(), caller.user_id, text, context.clock())
        conversation.add_note(note)
        await record(uow, [conversation], actor=caller.actor, correlation_id=uuid.uuid4())
        return conversation, note


async def remove_note(
    context: ConversationContext, caller: Caller, conversation_id: uuid.UUID, note_id: uuid.UUID
) -> Conversation:
    async with locked(context, caller, conversation_id, ChannelAction.LABEL) as (uow, conversation):
        note = await uow.conversations.note(conversation.state.id, note_id)
        if note is None:
            raise NotFoundError("note", "note_id")
        conversation.remove_note(note, at=context.clock())
        await record(uow, [conversation], actor=caller.actor, correlation_id=uuid.uuid4())
        return conversation
