"""What parsing a delivery yields: keyed contract events, and what was dropped on purpose."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from switchboard_contracts.enums import ActorKind
from switchboard_contracts.envelope import (
    Actor,
    ContractModel,
    Event,
    Subject,
    TwitterIdKind,
    twitter_event_id,
)

PRODUCER = "ingest-svc"


class MalformedDeliveryError(ValueError):
    """The body is not a delivery we understand; it is refused and nothing is published."""


@dataclass(frozen=True)
class Source:
    """Whose activity a delivery reports, and the id that ties its events together."""

    account_id: str
    correlation_id: uuid.UUID


@dataclass(frozen=True)
class KeyedEvent:
    key: str
    event: Event[Any]


@dataclass(frozen=True)
class Dropped:
    """Something Twitter reported that deliberately becomes no event (it stays on the raw
    topic); `reason` is a metric label, so it comes from a small fixed set."""

    reason: str


Outcome = KeyedEvent | Dropped


@dataclass(frozen=True)
class ParsedDelivery:
    envelope: str  # e.g. tweet_create_events, x_activity:dm.received (a metric label)
    account_id: str  # the subscribed account the delivery is about
    for_user_id: str | None  # as delivered (Account Activity revocations have none)
    outcomes: tuple[Outcome, ...]
    correlation_id: uuid.UUID  # shared by its events and its raw record

    @property
    def events(self) -> tuple[KeyedEvent, ...]:
        return tuple(item for item in self.outcomes if isinstance(item, KeyedEvent))

    @property
    def dropped(self) -> tuple[str, ...]:
        return tuple(item.reason for item in self.outcomes if isinstance(item, Dropped))


def keyed_event(
    model: Callable[..., Event[Any]],
    *,
    source: Source,
    kind: TwitterIdKind,
    twitter_id: str,
    occurred_at: datetime,
    actor_id: str,
    customer_id: str | None,
    payload: ContractModel,
) -> KeyedEvent:
    """The event, its id derived from the account and the Twitter id (so a redelivery, or
    the same activity through the other webhook API, yields the same id), and its key:
    `<account>:<customer>`, or `<account>` for account-level events."""
    account = source.account_id
    event = model(
        event_id=twitter_event_id(account, kind, twitter_id),
        occurred_at=occurred_at,
        org_id=None,
        producer=PRODUCER,
        actor=Actor(kind=ActorKind.TWITTER_ACCOUNT, id=actor_id),
        correlation_id=source.correlation_id,
        subject=Subject(twitter_account_id=account, customer_id=customer_id),
        payload=payload,
    )
    return KeyedEvent(f"{account}:{customer_id}" if customer_id else account, event)
