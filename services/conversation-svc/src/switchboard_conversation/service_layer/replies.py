"""An agent's reply (out through the outbox on replies.requested.v1), and its result."""

import uuid
from dataclasses import dataclass
from typing import Any

from switchboard_contracts.enums import (
    ActorKind,
    ChannelAction,
    DeliveryState,
    MessageDirection,
    MessageKind,
    QueueStatus,
)
from switchboard_contracts.envelope import Actor, Event, Subject
from switchboard_contracts.events.replies import (
    ReplyFailed,
    ReplyRequested,
    ReplyRequestedPayload,
    ReplySent,
    ReplySentPayload,
)
from switchboard_contracts.topics import REPLIES_REQUESTED
from switchboard_conversation.adapters.unit_of_work import UnitOfWork
from switchboard_conversation.domain.conversation import Conversation
from switchboard_conversation.domain.errors import ConflictError
from switchboard_conversation.domain.messages import Message, posted_from_app, reply_target
from switchboard_conversation.service_layer.actions import locked
from switchboard_conversation.service_layer.context import Caller, ConversationContext
from switchboard_conversation.service_layer.errors import NotFoundError
from switchboard_conversation.service_layer.published_events import PRODUCER
from switchboard_conversation.service_layer.recording import record
from switchboard_conversation.service_layer.twitter_activity import release_held_echoes
from switchboard_platform.kafka.consumer import PermanentError
from switchboard_platform.logs import get_logger

CONSUMER = "conversation-svc/replies.results"
log = get_logger(__name__)


# Any constant: the namespace of reply ids derived from a client's idempotency key.
IDEMPOTENT_REPLY_NAMESPACE = uuid.UUID("7d1f9e8a-3b52-5c0e-a4d6-91c2b8e0f35a")


@dataclass(frozen=True)
class Reply:
    text: str
    kind: MessageKind | None = None
    then: QueueStatus | None = None
    # The client's key for this reply: sent again (a timeout, a dropped connection, a
    # restarted pod), the same key finds the reply made the first time, not a second one.
    idempotency_key: str | None = None


def reply_id(caller: Caller, conversation_id: uuid.UUID, command: Reply) -> uuid.UUID:
    """A new id, or the one the caller's key names in this conversation (so the repeat
    finds it by primary key, under the conversation's lock: no table of keys)."""
    if command.idempotency_key is None:
        return uuid.uuid4()
    name = f"{caller.org_id}/{caller.user_id}/{conversation_id}/{command.idempotency_key}"
    return uuid.uuid5(IDEMPOTENT_REPLY_NAMESPACE, name)


async def reply(
    context: ConversationContext, caller: Caller, conversation_id: uuid.UUID, command: Reply
) -> tuple[Conversation, Message]:
    correlation_id = uuid.uuid4()
    message_id = reply_id(caller, conversation_id, command)
    async with locked(context, caller, conversation_id, ChannelAction.REPLY) as (uow, conversation):
        if command.idempotency_key is not None:
            made = await uow.conversations.message(conversation_id, message_id)
            if made is not None:
                if made.text != command.text:
                    raise ConflictError("This Idempotency-Key was used for another reply.")
                return conversation, made  # the first request's reply; nothing new
        channel = await uow.channel(caller.org_id, conversation.state.channel_id)
        if channel is None:
            raise NotFoundError("channel")
        state = conversation.state
        target = reply_target(
            command.kind,
            last_customer_kind=state.last_customer_kind,
            last_customer_tweet_id=state.last_customer_tweet_id,
        )
        message = Message(
            id=message_id,
            direction=MessageDirection.OUTBOUND,
            kind=target.kind,
            twitter_id=None,
            text=command.text,
            created_at=context.clock(),
            author_user_id=caller.user_id,
            delivery_state=DeliveryState.REQUESTED,
            in_reply_to_tweet_id=target.in_reply_to_tweet_id,
        )
        conversation.reply(message, auto_ownership=channel.auto_ownership, then=command.then)
        await uow.publish(
            REPLIES_REQUESTED,
            ReplyRequested(
                event_id=message.id,
                occurred_at=message.created_at,
                org_id=caller.org_id,
                producer=PRODUCER,
                actor=caller.actor,
                correlation_id=correlation_id,
                subject=Subject(
                    channel_id=state.channel_id,
                    conversation_id=state.id,
                    customer_id=state.customer.twitter_id,
                    user_id=caller.user_id,
                ),
                payload=ReplyRequestedPayload(
                    message_id=message.id,
                    conversation_id=state.id,
                    channel_id=state.channel_id,
                    kind=target.kind,
                    text=command.text,
                    customer_id=state.customer.twitter_id,
                    in_reply_to_tweet_id=target.in_reply_to_tweet_id,
                    requested_by=caller.user_id,
                ),
            ),
            key=str(state.id),
        )
        await record(uow, [conversation], actor=caller.actor, correlation_id=correlation_id)
        return conversation, message


async def handle_reply_result(uow: UnitOfWork, event: Event[Any]) -> None:
    if not isinstance(event, ReplySent | ReplyFailed):
        return
    async with uow:
        if not await uow.first_delivery(CONSUMER, event.event_id):
            return
        result = event.payload
        conversation = await uow.conversations.by_id_for_update(
            event.org_id, result.conversation_id
        )
        if conversation is None:
            return
        message = await uow.conversations.message(conversation.state.id, result.message_id)
        if message is None:
            return
        if isinstance(event, ReplySent):
            await _sent(uow, conversation, message, event.payload)
        else:
            conversation.mark_failed(
                message, reason=event.payload.reason, at=event.payload.failed_at
            )
        await record(
            uow,
            [conversation],
            actor=Actor(kind=ActorKind.SERVICE, id=event.producer),
            correlation_id=event.correlation_id,
            causation_id=event.event_id,
        )
        # Echoes held for this reply's result that it did not claim: posts from the app.
        await release_held_echoes(uow, conversation)


async def _sent(
    uow: UnitOfWork, conversation: Conversation, message: Message, result: ReplySentPayload
) -> None:
    """The reply went out as `result.twitter_id`: the echo with that id is this reply,
    whether it is held still or shown already as a post from the app (released after the
    time limit, or stored by a version that did not hold echoes): one message, the reply,
    sent. A reply reported failed is sent after all when a result says so."""
    if message.delivery_state is DeliveryState.SENT:
        return  # known already (redelivered, or published again)
    twitter_id, conversation_id = result.twitter_id, conversation.state.id
    await uow.conversations.forget_held_echo(conversation_id, twitter_id)
    stored = await uow.conversations.message_by_twitter_id(conversation_id, twitter_id)
    if stored is not None and stored.id != message.id:
        if not posted_from_app(stored):
            raise PermanentError(
                "twitter_id_taken", f"{twitter_id} is message {stored.id}'s, not {message.id}'s"
            )
        # Shown (and published) as a post from the app before this result came: the post
        # row goes, the reply takes its Twitter id; no event says the post went.
        log.warning(
            "echo shown as a post from the app merged into the reply its late result names",
            conversation_id=str(conversation_id),
            echo_message_id=str(stored.id),
            message_id=str(message.id),
        )
        await uow.conversations.remove_message(stored.id)
    conversation.mark_sent(message, twitter_id=twitter_id, at=result.sent_at)
