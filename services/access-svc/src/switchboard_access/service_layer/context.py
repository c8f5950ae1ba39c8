"""What handlers depend on (built once by `bootstrap.py`); who asks, in which
organization, and how their changes are attributed in events."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from switchboard_access.adapters.unit_of_work import UnitOfWork
from switchboard_contracts.enums import ActorKind
from switchboard_contracts.envelope import Actor
from switchboard_platform.clock import utc_now


@dataclass(frozen=True)
class AccessContext:
    unit_of_work: Callable[[], UnitOfWork]
    reading: Callable[[], UnitOfWork]  # read-only, autocommit: no transaction


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
