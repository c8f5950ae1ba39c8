"""What an agent asks of a queue: which conversations, in which order, how many."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from switchboard_contracts.enums import QueueStatus

Owner = Literal["me", "nobody", "someone"]
Sort = Literal["oldest", "newest"]


@dataclass(frozen=True)
class QueueFilter:
    channel_ids: Sequence[uuid.UUID]
    status: QueueStatus | None = None
    owner: Owner | None = None
    tag: str | None = None
    topic_id: uuid.UUID | None = None
    sort: Sort = "oldest"  # by last activity: who has waited longest first
    limit: int = 50
    cursor: str | None = None
    conversation_id: uuid.UUID | None = None  # one conversation (the detail view)
