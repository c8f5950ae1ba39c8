"""A conversation between one channel and one customer, and every rule of its queues.

Plain code, no framework (DOMAIN.md, "Conversations and queues"). Each method checks its
rule, changes the state and records the change with the state it left behind, so the
service layer can publish each one as an event carrying that state.
"""

import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from switchboard_contracts.enums import MessageDirection, MessageKind, QueueStatus
from switchboard_conversation.domain import messages
from switchboard_conversation.domain.changes import (
    Change,
    Created,
    DeliveryChanged,
    MessageAdded,
    MessageDeleted,
    Note,
    NoteAdded,
    NoteRemoved,
    OwnerChanged,
    StatusChanged,
    TagsChanged,
    TopicsChanged,
)
from switchboard_conversation.domain.errors import InvalidActionError
from switchboard_conversation.domain.messages import Customer, Message

__all__ = [
    "Conversation",
    "Created",
    "Customer",
    "Message",
    "MessageAdded",
    "Note",
    "OwnerChanged",
    "State",
    "StatusChanged",
]

AGENT_TARGETS = (QueueStatus.PENDING, QueueStatus.RESOLVED)


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
    updated_at: datetime | None = None  # when the latest change happened
    last_customer_kind: MessageKind | None = None
    last_customer_tweet_id: str | None = None


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
            updated_at=at,
        )
        conversation = cls(state)
        conversation._record(Created(), at)
        return conversation

    # messages --------------------------------------------------------------------------------
    def receive(self, message: Message) -> None:
        """An inbound customer message: into New (a reopen from Pending or Resolved)."""
        if message.direction is not MessageDirection.INBOUND:
            raise ValueError("receive() takes inbound messages")
        at = message.created_at
        # Late deliveries (older than what is known) do not change where replies go.
        latest = self.state.last_customer_kind is None or at >= self.state.last_activity_at
        if self.state.status is not QueueStatus.NEW:
            self._move(QueueStatus.NEW, reason="inbound", at=at)
        self._touch(at)
        if latest:
            self.state = replace(
                self.state,
                last_customer_kind=message.kind,
                last_customer_tweet_id=message.twitter_id
                if message.kind is MessageKind.TWEET
                else self.state.last_customer_tweet_id,
            )
        self._record(MessageAdded(message), at)

    def record_outbound(self, message: Message) -> None:
        """An outbound message the account posted from the Twitter app: shown, not sent."""
        if message.direction is not MessageDirection.OUTBOUND:
            raise ValueError("record_outbound() takes outbound messages")
        self._touch(message.created_at)
        self._record(MessageAdded(message), message.created_at)

    def reply(
        self,
        message: Message,
        *,
        auto_ownership: bool,
        then: QueueStatus | None = None,
    ) -> None:
        """An agent's reply (delivery requested), and optionally a move in the same action.

        With auto-ownership on, the replying agent becomes owner of an unowned conversation,
        unless it is Resolved and stays so.
        """
        if message.direction is not MessageDirection.OUTBOUND or message.author_user_id is None:
            raise ValueError("reply() takes an agent's outbound message")
        if then is not None and then not in AGENT_TARGETS:
            raise InvalidActionError("then", "A reply may then move to pending or resolved.")
        at = message.created_at
        self._touch(at)
        self._record(MessageAdded(message), at)
        # A Resolved conversation has no owner: replying to one that stays Resolved does
        # not give it one (a reply that moves it on does).
        stays_resolved = self.state.status is QueueStatus.RESOLVED and then in (
            None,
            QueueStatus.RESOLVED,
        )
        if auto_ownership and self.state.owner_id is None and not stays_resolved:
            self._set_owner(message.author_user_id, reason="auto_ownership", at=at)
        if then is not None and then is not self.state.status:
            self._move(then, reason="reply", at=at)

    def mark_sent(self, message: Message, *, twitter_id: str, at: datetime) -> None:
        """A requested reply was sent, with its Twitter id (known already: nothing)."""
        changed = messages.sent(message, twitter_id=twitter_id)
        if changed is not None:
            self._record(DeliveryChanged(changed), at)

    def mark_failed(self, message: Message, *, reason: str, at: datetime) -> None:
        changed = messages.failed(message, reason=reason)
        if changed is not None:
            self._record(DeliveryChanged(changed), at)

    def delete_message(self, message: Message, *, at: datetime) -> None:
        """The author deleted the tweet on Twitter: kept in history, marked deleted."""
        self._record(MessageDeleted(replace(message, deleted=True)), at)

    # queues ------------------------------------------------------------------------------------
    def move(self, to: QueueStatus, *, at: datetime) -> None:
        """An agent (any role) moves it to Pending or Resolved; already there: nothing."""
        if to not in AGENT_TARGETS:
            raise InvalidActionError(
                "status", "Agents move conversations to pending or resolved only."
            )
        if to is self.state.status:
            return
        self._touch(at)
        self._move(to, reason="agent", at=at)

    def auto_resolve(self, *, at: datetime) -> None:
        if self.state.status in (QueueStatus.NEW, QueueStatus.PENDING):
            self._move(QueueStatus.RESOLVED, reason="auto_resolve", at=at)

    # ownership ---------------------------------------------------------------------------------
    def take(self, user_id: uuid.UUID, *, at: datetime) -> None:
        self._give(user_id, reason="taken", at=at)

    def assign(self, user_id: uuid.UUID, *, at: datetime) -> None:
        self._give(user_id, reason="assigned", at=at)

    def unassign(self, *, at: datetime) -> None:
        if self.state.owner_id is not None:
            self._set_owner(None, reason="unassigned", at=at)

    def access_lost(self, user_id: uuid.UUID, *, at: datetime) -> None:
        """A user who loses access to the channel loses ownership."""
        if self.state.owner_id == user_id:
            self._set_owner(None, reason="access_lost", at=at)

    def _give(self, user_id: uuid.UUID, *, reason: str, at: datetime) -> None:
        if self.state.status is QueueStatus.RESOLVED:
            raise InvalidActionError("owner_id", "A resolved conversation has no owner.")
        if self.state.owner_id != user_id:
            self._set_owner(user_id, reason=reason, at=at)

    # labels --------------------------------------------------------------------------------------
    def tag(self, tag: str, *, at: datetime) -> None:
        label = _label(tag)
        if label not in self.state.tags:
            self._record(TagsChanged(added=(label,)), at, tags=(*self.state.tags, label))

    def untag(self, tag: str, *, at: datetime) -> None:
        label = _label(tag)
        if label in self.state.tags:
            remaining = tuple(t for t in self.state.tags if t != label)
            self._record(TagsChanged(removed=(label,)), at, tags=remaining)

    def add_topic(self, topic_id: uuid.UUID, *, at: datetime) -> None:
        """`topic_id` must be on the organization's list (the service layer checks)."""
        if topic_id not in self.state.topic_ids:
            added = (*self.state.topic_ids, topic_id)
            self._record(TopicsChanged(added=(topic_id,)), at, topic_ids=added)

    def remove_topic(self, topic_id: uuid.UUID, *, at: datetime) -> None:
        if topic_id in self.state.topic_ids:
            remaining = tuple(t for t in self.state.topic_ids if t != topic_id)
            self._record(TopicsChanged(removed=(topic_id,)), at, topic_ids=remaining)

    def add_note(self, note: Note) -> None:
        if not note.text.strip():
            raise InvalidActionError("text", "A note needs some text.")
        self._record(NoteAdded(note), note.created_at)

    def remove_note(self, note: Note, *, at: datetime) -> None:
        self._record(NoteRemoved(note), at)

    # internals -----------------------------------------------------------------------------------
    def _move(self, to: QueueStatus, *, reason: str, at: datetime) -> None:
        before = self.state.status
        if to is QueueStatus.RESOLVED and self.state.owner_id is not None:
            self._set_owner(None, reason="resolved", at=at)  # entering Resolved removes it
        self._record(StatusChanged(before, to, reason), at, status=to)

    def _set_owner(self, owner_id: uuid.UUID | None, *, reason: str, at: datetime) -> None:
        self._record(OwnerChanged(self.state.owner_id, owner_id, reason), at, owner_id=owner_id)

    def _touch(self, at: datetime) -> None:
        if at > self.state.last_activity_at:
            self.state = replace(self.state, last_activity_at=at)

    def _record(self, change: Change, at: datetime, **fields: Any) -> None:
        """The change and the state it leaves: `fields` changed, the revision bumped (one
        copy of the state: the sweep makes hundreds of thousands)."""
        self.state = replace(self.state, revision=self.state.revision + 1, updated_at=at, **fields)
        self.changes.append((change, self.state))


MAX_LABEL = 100


def _label(tag: str) -> str:
    label = " ".join(tag.split())
    if not label or len(label) > MAX_LABEL:
        raise InvalidActionError("tag", f"A tag is 1 to {MAX_LABEL} characters.")
    return label
