"""`conversations.v1`: the public API of the system (key: conversation id).

Every event carries the conversation's state after the change (`conversation`), so a
subscriber can rebuild every conversation from the events alone, and a missed event is
healed by the next one; the rest of the payload says what changed and why.
"""

import uuid
from typing import Literal

from pydantic import AwareDatetime, Field

from switchboard_contracts.enums import DeliveryState, MessageDirection, MessageKind, QueueStatus
from switchboard_contracts.envelope import ContractModel, OrgEvent, SchemaVersion, TwitterId
from switchboard_contracts.events.twitter import MediaRef, TwitterUser


class ConversationState(ContractModel):
    conversation_id: uuid.UUID
    channel_id: uuid.UUID
    customer: TwitterUser
    status: QueueStatus
    owner_id: uuid.UUID | None
    tags: tuple[str, ...] = Field(description="Sorted")
    topic_ids: tuple[uuid.UUID, ...] = Field(description="Sorted")
    created_at: AwareDatetime
    last_activity_at: AwareDatetime
    revision: int = Field(ge=1, description="Grows by one on every change of this conversation")


class Message(ContractModel):
    message_id: uuid.UUID
    direction: MessageDirection
    kind: MessageKind
    twitter_id: TwitterId | None = Field(description="Null until an outbound message is sent")
    text: str
    author_customer_id: TwitterId | None = Field(description="Set on inbound messages")
    author_user_id: uuid.UUID | None = Field(
        description="The agent, on outbound messages sent through Switchboard; null on "
        "messages posted from the Twitter app"
    )
    created_at: AwareDatetime
    delivery_state: DeliveryState | None = Field(description="Outbound messages only")
    in_reply_to_tweet_id: TwitterId | None = None
    media: tuple[MediaRef, ...] = ()


class ConversationCreatedPayload(ContractModel):
    conversation: ConversationState


class StatusChangedPayload(ContractModel):
    conversation: ConversationState
    from_status: QueueStatus
    to_status: QueueStatus
    reason: Literal["inbound", "agent", "reply", "auto_resolve"]


class OwnerChangedPayload(ContractModel):
    conversation: ConversationState
    from_owner_id: uuid.UUID | None
    to_owner_id: uuid.UUID | None
    reason: Literal["auto_ownership", "taken", "assigned", "unassigned", "resolved", "access_lost"]


class MessageAddedPayload(ContractModel):
    conversation: ConversationState
    message: Message


class MessageDeliveryChangedPayload(ContractModel):
    conversation: ConversationState
    message_id: uuid.UUID
    delivery_state: DeliveryState
    twitter_id: TwitterId | None = None
    failure_reason: str | None = None


class MessageDeletedPayload(ContractModel):
    conversation: ConversationState
    message_id: uuid.UUID
    twitter_id: TwitterId


class LabelsChangedPayload(ContractModel):
    conversation: ConversationState
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


class TopicsChangedPayload(ContractModel):
    conversation: ConversationState
    added: tuple[uuid.UUID, ...] = ()
    removed: tuple[uuid.UUID, ...] = ()


class NoteAddedPayload(ContractModel):
    conversation: ConversationState
    note_id: uuid.UUID
    author_user_id: uuid.UUID
    text: str
    created_at: AwareDatetime


class NoteRemovedPayload(ContractModel):
    conversation: ConversationState
    note_id: uuid.UUID
    removed_by: uuid.UUID = Field(description="The user who removed the note")


class ConversationCreated(OrgEvent[ConversationCreatedPayload]):
    type: Literal["conversation.created"] = "conversation.created"
    schema_version: SchemaVersion = 1


class StatusChanged(OrgEvent[StatusChangedPayload]):
    type: Literal["conversation.status_changed"] = "conversation.status_changed"
    schema_version: SchemaVersion = 1


class OwnerChanged(OrgEvent[OwnerChangedPayload]):
    type: Literal["conversation.owner_changed"] = "conversation.owner_changed"
    schema_version: SchemaVersion = 1


class MessageAdded(OrgEvent[MessageAddedPayload]):
    type: Literal["conversation.message_added"] = "conversation.message_added"
    schema_version: SchemaVersion = 1


class MessageDeliveryChanged(OrgEvent[MessageDeliveryChangedPayload]):
    type: Literal["conversation.message_delivery_changed"] = "conversation.message_delivery_changed"
    schema_version: SchemaVersion = 1


class MessageDeleted(OrgEvent[MessageDeletedPayload]):
    type: Literal["conversation.message_deleted"] = "conversation.message_deleted"
    schema_version: SchemaVersion = 1


class TagsChanged(OrgEvent[LabelsChangedPayload]):
    type: Literal["conversation.tags_changed"] = "conversation.tags_changed"
    schema_version: SchemaVersion = 1


class TopicsChanged(OrgEvent[TopicsChangedPayload]):
    type: Literal["conversation.topics_changed"] = "conversation.topics_changed"
    schema_version: SchemaVersion = 1


class NoteAdded(OrgEvent[NoteAddedPayload]):
    type: Literal["conversation.note_added"] = "conversation.note_added"
    schema_version: SchemaVersion = 1


class NoteRemoved(OrgEvent[NoteRemovedPayload]):
    type: Literal["conversation.note_removed"] = "conversation.note_removed"
    schema_version: SchemaVersion = 1
