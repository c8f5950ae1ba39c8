"""Domain changes -> `conversations.v1` events. The one place that shape is decided."""

import uuid
from typing import Any

from switchboard_contracts.envelope import Actor, Event, Subject
from switchboard_contracts.events import conversations as ev
from switchboard_contracts.events.twitter import TwitterUser
from switchboard_conversation.domain.changes import (
    Change,
    Created,
    DeliveryChanged,
    MessageAdded,
    MessageDeleted,
    NoteAdded,
    NoteRemoved,
    OwnerChanged,
    StatusChanged,
    TagsChanged,
    TopicsChanged,
)
from switchboard_conversation.domain.conversation import State
from switchboard_conversation.domain.messages import Message

PRODUCER = "conversation-svc"
# Event ids are derived from (conversation, revision): a revision has exactly one event,
# whoever computes it.
EVENT_NAMESPACE = uuid.UUID("0c3f4f0e-55d6-4d3a-9d7f-3a3c6f1e2b90")


def conversation_events(
    changes: list[tuple[Change, State]],
    *,
    actor: Actor,
    correlation_id: uuid.UUID,
    causation_id: uuid.UUID | None,
) -> list[Event[Any]]:
    return [_event(change, state, actor, correlation_id, causation_id) for change, state in changes]


def _event(
    change: Change,
    state: State,
    actor: Actor,
    correlation_id: uuid.UUID,
    causation_id: uuid.UUID | None,
) -> Event[Any]:
    common: dict[str, Any] = {
        "event_id": uuid.uuid5(EVENT_NAMESPACE, f"{state.id}/{state.revision}"),
        "occurred_at": state.updated_at or state.last_activity_at,
        "org_id": state.org_id,
        "producer": PRODUCER,
        "actor": actor,
        "correlation_id": correlation_id,
        "causation_id": causation_id,
        "subject": Subject(
            channel_id=state.channel_id,
            conversation_id=state.id,
            customer_id=state.customer.twitter_id,
        ),
    }
    snapshot = contract_state(state)
    match change:
        case Created():
            return ev.ConversationCreated(
                **common, payload=ev.ConversationCreatedPayload(conversation=snapshot)
            )
        case StatusChanged(from_status, to_status, reason):
            return ev.StatusChanged(
                **common,
                payload=ev.StatusChangedPayload(
                    conversation=snapshot,
                    from_status=from_status,
                    to_status=to_status,
                    reason=reason,
                ),
            )
        case OwnerChanged(from_owner_id, to_owner_id, reason):
            return ev.OwnerChanged(
                **common,
                payload=ev.OwnerChangedPayload(
                    conversation=snapshot,
                    from_owner_id=from_owner_id,
                    to_owner_id=to_owner_id,
                    reason=reason,
                ),
            )
        case MessageAdded(message):
            return ev.MessageAdded(
                **common,
                payload=ev.MessageAddedPayload(
                    conversation=snapshot, message=contract_message(message)
                ),
            )
        case _:
            return _label_or_message_event(change, common, snapshot)


def _label_or_message_event(
    change: Change, common: dict[str, Any], snapshot: ev.ConversationState
) -> Event[Any]:
    match change:
        case DeliveryChanged(message):
            if message.delivery_state is None:
                raise ValueError("a delivery change has a delivery state")
            return ev.MessageDeliveryChanged(
                **common,
                payload=ev.MessageDeliveryChangedPayload(
                    conversation=snapshot,
                    message_id=message.id,
                    delivery_state=message.delivery_state,
                    twitter_id=message.twitter_id,
                    failure_reason=message.failure_reason,
                ),
            )
        case MessageDeleted(message):
            if message.twitter_id is None:
                raise ValueError("only messages with a Twitter id are deleted on Twitter")
            return ev.MessageDeleted(
                **common,
                payload=ev.MessageDeletedPayload(
                    conversation=snapshot, message_id=message.id, twitter_id=message.twitter_id
                ),
            )
        case TagsChanged(added, removed):
            return ev.TagsChanged(
                **common,
                payload=ev.LabelsChangedPayload(
                    conversation=snapshot, added=added, removed=removed
                ),
            )
        case TopicsChanged(added_topics, removed_topics):
            return ev.TopicsChanged(
                **common,
                payload=ev.TopicsChangedPayload(
                    conversation=snapshot, added=added_topics, removed=removed_topics
                ),
            )
        case NoteAdded(note):
            return ev.NoteAdded(
                **common,
                payload=ev.NoteAddedPayload(
                    conversation=snapshot,
                    note_id=note.id,
                    author_user_id=note.author_user_id,
                    text=note.text,
                    created_at=note.created_at,
                ),
            )
        case NoteRemoved(note):
            actor: Actor = common["actor"]
            return ev.NoteRemoved(
                **common,
                payload=ev.NoteRemovedPayload(
                    conversation=snapshot, note_id=note.id, removed_by=uuid.UUID(actor.id)
                ),
            )
    raise TypeError(f"no event for {change!r}")


def contract_state(state: State) -> ev.ConversationState:
    return ev.ConversationState(
        conversation_id=state.id,
        channel_id=state.channel_id,
        customer=TwitterUser(
            id=state.customer.twitter_id,
            screen_name=state.customer.screen_name,
            name=state.customer.name,
        ),
        status=state.status,
        owner_id=state.owner_id,
        tags=tuple(sorted(state.tags)),
        topic_ids=tuple(sorted(state.topic_ids)),
        created_at=state.created_at,
        last_activity_at=state.last_activity_at,
        revision=state.revision,
    )


def contract_message(message: Message) -> ev.Message:
    return ev.Message(
        message_id=message.id,
        direction=message.direction,
        kind=message.kind,
        twitter_id=message.twitter_id,
        text=message.text,
        author_customer_id=message.author_customer_id,
        author_user_id=message.author_user_id,
        created_at=message.created_at,
        delivery_state=message.delivery_state,
        in_reply_to_tweet_id=message.in_reply_to_tweet_id,
    )
