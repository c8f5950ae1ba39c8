"""The HTTP API's request and response bodies."""

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from switchboard_contracts.enums import (
    ChannelStatus,
    DeliveryState,
    MessageDirection,
    MessageKind,
    QueueStatus,
)
from switchboard_contracts.events.channels import AutoResolve
from switchboard_platform.http.requests import RequestModel


class ReplyIn(RequestModel):
    text: str = Field(min_length=1, max_length=10_000)
    kind: MessageKind | None = Field(
        default=None, description="Default: the kind of the customer's last message"
    )
    then: Literal[QueueStatus.PENDING, QueueStatus.RESOLVED] | None = Field(
        default=None, description="Move the conversation in the same action"
    )


class MoveIn(RequestModel):
    status: Literal[QueueStatus.PENDING, QueueStatus.RESOLVED]


class OwnerIn(RequestModel):
    owner_id: uuid.UUID | None = Field(description="A user, or null for nobody")


class NoteIn(RequestModel):
    text: str = Field(min_length=1, max_length=10_000)


class TopicIn(RequestModel):
    name: str = Field(min_length=1, max_length=100)


class ChannelOut(BaseModel):
    """A channel as conversation-svc applies it. channel-svc owns the settings; they reach
    this service on channels.v1, so a change takes effect here a moment after it is saved
    there. `revision` is channel-svc's: once it is the one channel-svc answered, the
    change applies to the next reply, move and sweep."""

    id: uuid.UUID
    revision: int
    status: ChannelStatus
    display_name: str
    auto_ownership: bool
    auto_resolve: AutoResolve  # the shape channels.v1 carries


class TopicOut(BaseModel):
    id: uuid.UUID
    name: str
    created_at: datetime


class CustomerOut(BaseModel):
    id: str
    screen_name: str | None
    name: str | None


class ConversationOut(BaseModel):
    id: uuid.UUID
    channel_id: uuid.UUID
    customer: CustomerOut
    status: QueueStatus
    owner_id: uuid.UUID | None
    tags: list[str]
    topic_ids: list[uuid.UUID]
    created_at: datetime
    last_activity_at: datetime
    revision: int

    @classmethod
    def of(cls, row: Any) -> "ConversationOut":
        """From a `conversations` row or a domain `State` (both have these names)."""
        customer = getattr(row, "customer", None)
        return cls(
            id=row.id,
            channel_id=row.channel_id,
            customer=CustomerOut(
                id=customer.twitter_id if customer else row.customer_id,
                screen_name=customer.screen_name if customer else row.customer_screen_name,
                name=customer.name if customer else row.customer_name,
            ),
            status=QueueStatus(row.status),
            owner_id=row.owner_id,
            tags=sorted(row.tags),
            topic_ids=sorted(row.topic_ids),
            created_at=row.created_at,
            last_activity_at=row.last_activity_at,
            revision=row.revision,
        )


class QueueOut(BaseModel):
    items: list[ConversationOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")


class MessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    direction: MessageDirection
    kind: MessageKind
    twitter_id: str | None
    text: str
    author_customer_id: str | None
    author_user_id: uuid.UUID | None
    created_at: datetime
    delivery_state: DeliveryState | None
    failure_reason: str | None
    in_reply_to_tweet_id: str | None
    deleted: bool


class NoteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    author_user_id: uuid.UUID
    text: str
    created_at: datetime


class HistoryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    revision: int
    type: str
    occurred_at: datetime
    actor_kind: str
    actor_id: str
    reason: str | None
    from_status: str | None
    to_status: str | None
    detail: dict[str, Any]


class ConversationDetailOut(BaseModel):
    conversation: ConversationOut
    messages: list[MessageOut]
    notes: list[NoteOut]
    history: list[HistoryOut]


class Percentiles(BaseModel):
    median: float | None
    p90: float | None


class ReportOut(BaseModel):
    channel_id: uuid.UUID
    start: datetime
    end: datetime
    created: int
    reopened: int
    resolved_by_hand: int
    auto_resolved: int
    queues: dict[str, int] = Field(description="Current size of each queue")
    first_response_seconds: Percentiles
    resolution_seconds: Percentiles
    replies_per_agent: dict[str, int]
