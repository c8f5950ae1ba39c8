"""The organization's topic list: anyone of the organization reads it, admins keep it."""

import uuid

from switchboard_conversation.domain.errors import ConflictError, InvalidActionError
from switchboard_conversation.domain.topics import Topic
from switchboard_conversation.service_layer.context import Caller, ConversationContext
from switchboard_conversation.service_layer.errors import ForbiddenError, NotFoundError

MAX_NAME = 100


async def list_topics(context: ConversationContext, caller: Caller) -> list[Topic]:
    async with context.unit_of_work() as uow:
        return await uow.topics.list(caller.org_id)


async def add_topic(context: ConversationContext, caller: Caller, name: str) -> Topic:
    _admin(caller)
    clean = " ".join(name.split())
    if not clean or len(clean) > MAX_NAME:
        raise InvalidActionError("name", f"A topic is 1 to {MAX_NAME} characters.")
    topic = Topic(uuid.uuid4(), clean, context.clock())
    async with context.unit_of_work() as uow:
        if not await uow.topics.add(caller.org_id, topic):
            raise ConflictError(f"The topic {clean!r} exists already.")
    return topic


async def remove_topic(context: ConversationContext, caller: Caller, topic_id: uuid.UUID) -> None:
    """Conversations keep the topic id they were given (history stays whole)."""
    _admin(caller)
    async with context.unit_of_work() as uow:
        if not await uow.topics.remove(caller.org_id, topic_id):
            raise NotFoundError("topic", "topic_id")


def _admin(caller: Caller) -> None:
    if not caller.is_admin:  # the record's role, never the token's
        raise ForbiddenError("manage_topics", None, "Only organization admins keep the topic list.")
