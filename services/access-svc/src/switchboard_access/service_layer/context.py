"""Who asks, in which organization, and how their changes are attributed in events."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from switchboard_contracts.enums import ActorKind
from switchboard_contracts.envelope import Actor, utc_now


@dataclass(frozen=True)
class ChangeContext:
    """One admin request that changes things: every event it causes shares it."""

    org_id: uuid.UUID
    admin_id: uuid.UUID
    correlation_id: uuid.UUID = field(default_factory=uuid.uuid4)
    at: datetime = field(default_factory=utc_now)

    @property
    def actor(self) -> Actor:
        return Actor(kind=ActorKind.USER, id=str(self.admin_id))
