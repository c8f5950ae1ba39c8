"""A conversation between one channel and one customer, and its queue rules.

Plain code: no framework, no I/O. Every change is recorded with the state it left behind,
so the service layer can publish each one as an event that carries that state.
"""

import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime

from switchboard_contracts.enums import DeliveryState, MessageDirection, MessageKind, QueueStatus


@dataclass(frozen=True)
class Customer:
    twitter_id: str
    screen_name: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Message:
    id: uuid.UUID
    direction: MessageDirection
    kind: MessageKind
    twitter_id: str | None
    text: str
    created_at: datetime
    author_customer_id: str | None = None
    author_user_id: uuid.UUID | None = None
    delivery_state: DeliveryState | None = None
    in_reply_to_tweet_id: str | None = None


@dataclass(frozen=True)
class State:
    """What a conversation looks like after a change (published with every event)."""

    id: uuid.UUID
    org_id: uuid.UUID
    channel_id: uuid.UUID
    customer: Customer
    status: QueueStatus
    owner_id: uuid.UUID | None
    tags: tuple[str, ...]
    topic_ids: tuple[uuid.UUID, ...]
    created_at: datetime
    last_activity_at: datetime
    revision: int


@dataclass(frozen=True)
class Created:
    pass


@dataclass(frozen=True)
class StatusChanged:
    from_status: QueueStatus
    to_status: QueueStatus
    reason: str


@dataclass(frozen=True)
class OwnerChanged:
    from_owner_id: uuid.UUID | None
    to_owner_id: uuid.UUID | None
    reason: str


@dataclass(frozen=True)
class MessageAdded:
    message: Message


Change = Created | StatusChanged | OwnerChanged | MessageAdded


@dataclass
class Conversation:
    state: State
    changes: list[tuple[Change, State]] = field(default_factory=list)

    @classmethod
    def start(
        cls,
        *,
        conversation_id: uuid.UUID,
        org_id: uuid.UUID,
        channel_id: uuid.UUID,
        customer: Customer,
        at: datetime,
    ) -> "Conversation":
        state = State(
            id=conversation_id,
            org_id=org_id,
            channel_id=channel_id,
            customer=customer,
            status=QueueStatus.NEW,
            owner_id=None,
            tags=(),
            topic_ids=(),
            created_at=at,
            last_activity_at=at,
            revision=0,
        )
        conversation = cls(state)
        conversation._record(Created())
        return conversation

    def receive(self, message: Message) -> None:
        """An inbound customer message: into New (a reopen from Pending or Resolved)."""
        if message.direction is not MessageDirection.INBOUND:
            raise ValueError("receive() takes inbound messages")
        if self.state.status is not QueueStatus.NEW:
            self._move(QueueStatus.NEW, reason="inbound")
        self._touch(message.created_at)
        self._record(MessageAdded(message))

    def record_outbound(self, message: Message) -> None:
        """An outbound message the account posted (from Switchboard or the Twitter app)."""
        if message.direction is not MessageDirection.OUTBOUND:
            raise ValueError("record_outbound() takes outbound messages")
        self._touch(message.created_at)
        self._record(MessageAdded(message))

    def _move(self, to: QueueStatus, *, reason: str) -> None:
        before = self.state.status
        if to is QueueStatus.RESOLVED and self.state.owner_id is not None:
            self._set_owner(None, reason="resolved")  # entering Resolved removes ownership
        self.state = replace(self.state, status=to)
        self._record(StatusChanged(before, to, reason))

    def _set_owner(self, owner_id: uuid.UUID | None, *, reason: str) -> None:
        before = self.state.owner_id
        self.state = replace(self.state, owner_id=owner_id)
        self._record(OwnerChanged(before, owner_id, reason))

    def _touch(self, at: datetime) -> None:
        if at > self.state.last_activity_at:
            self.state = replace(self.state, last_activity_at=at)

    def _record(self, change: Change) -> None:
        self.state = replace(self.state, revision=self.state.revision + 1)
        self.changes.append((change, self.state))
