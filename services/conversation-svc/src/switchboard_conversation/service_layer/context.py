"""What handlers depend on, built once by `bootstrap.py`."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from switchboard_contracts.enums import ActorKind
from switchboard_contracts.envelope import Actor
from switchboard_conversation.adapters.access import AccessChecker
from switchboard_conversation.adapters.unit_of_work import UnitOfWork
from switchboard_platform.auth.claims import Principal

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Context:
    unit_of_work: Callable[[], UnitOfWork]
    access: AccessChecker
    clock: Clock = utc_now


@dataclass(frozen=True)
class Caller:
    """A verified agent or admin, with the token to forward to access-svc."""

    principal: Principal
    bearer: str

    @property
    def org_id(self) -> uuid.UUID:
        return self.principal.org_id

    @property
    def user_id(self) -> uuid.UUID:
        user_id = self.principal.user_id
        if user_id is None:
            raise TypeError("a service is not an agent")
        return user_id

    @property
    def actor(self) -> Actor:
        return Actor(kind=ActorKind.USER, id=str(self.user_id))
