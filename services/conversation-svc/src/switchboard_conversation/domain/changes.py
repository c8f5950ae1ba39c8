"""What can happen to a conversation: each change becomes one `conversations.v1` event."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from switchboard_contracts.enums import QueueStatus
from switchboard_conversation.domain.messages import Message


@dataclass(frozen=True)
class Created:
    pass


@dataclass(frozen=True)
class StatusChanged:
    from_status: QueueStatus
    to_status: QueueStatus
    reason: str  # inbound | agent | reply | auto_resolve


@dataclass(frozen=True)
class OwnerChanged:
    from_owner_id: uuid.UUID | None
    to_owner_id: uuid.UUID | None
    reason: str  # auto_ownership | taken | assigned | unassigned | resolved | access_lost


@dataclass(frozen=True)
class MessageAdded:
    message: Message


@dataclass(frozen=True)
class DeliveryChanged:
    message: Message  # as it is after the change


@dataclass(frozen=True)
class MessageDeleted:
    message: Message


@dataclass(frozen=True)
class TagsChanged:
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class TopicsChanged:
    added: tuple[uuid.UUID, ...] = ()
    removed: tuple[uuid.UUID, ...] = ()


@dataclass(frozen=True)
class Note:
    id: uuid.UUID
    author_user_id: uuid.UUID
    text: str
    created_at: datetime


@dataclass(frozen=True)
class NoteAdded:
    note: Note


@dataclass(frozen=True)
class NoteRemoved:
    note: Note


Change = (
    Created
    | StatusChanged
    | OwnerChanged
    | MessageAdded
    | DeliveryChanged
    | MessageDeleted
    | TagsChanged
    | TopicsChanged
    | NoteAdded
    | NoteRemoved
)
