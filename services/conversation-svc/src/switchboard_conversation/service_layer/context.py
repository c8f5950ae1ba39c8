"""What handlers depend on, built once by `bootstrap.py`."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from switchboard_contracts.enums import ActorKind
from switchboard_contracts.envelope import Actor
from switchboard_conversation.adapters.access import AccessChecker
from switchboard_conversation.adapters.unit_of_work import UnitOfWork
from switchboard_platform.auth.standing import Caller as StandingCaller
from switchboard_platform.clock import Clock, utc_now


@dataclass(frozen=True)
class ConversationContext:
    unit_of_work: Callable[[], UnitOfWork]
    access: AccessChecker
    clock: Clock = utc_now


@dataclass(frozen=True)
class Caller(StandingCaller):
    """A verified agent or admin with their current standing (the shared rule,
    `switchboard_platform.auth.standing`), and the token to forward to access-svc."""

    @classmethod
    def of(cls, caller: StandingCaller) -> "Caller":
        return cls(caller.principal, caller.bearer, caller.standing)

    @property
    def user_id(self) -> uuid.UUID:
        user_id = self.principal.user_id
        if user_id is None:
            raise TypeError("a service is not an agent")
        return user_id

    @property
    def actor(self) -> Actor:
        return Actor(kind=ActorKind.USER, id=str(self.user_id))
