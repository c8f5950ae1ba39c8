"""The envelope every event on every topic travels in."""

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from switchboard_contracts.enums import ActorKind

# Namespace of the deterministic event ids derived from Twitter ids. Never change it:
# redelivered webhooks must keep producing the ids already stored by consumers.
TWITTER_EVENT_NAMESPACE = uuid.UUID("6f0b8c5e-3b7e-4f39-9a53-0f2b0f5b6a10")

NonEmptyStr = Annotated[str, Field(min_length=1)]
# What Twitter sends may carry U+0000, which PostgreSQL text (and so every consumer that
# stores it) cannot hold. A customer's message must not be lost to it: read as U+FFFD.
TwitterText = Annotated[str, AfterValidator(lambda text: text.replace("\x00", "\ufffd"))]
TwitterId = Annotated[str, Field(pattern=r"^[0-9]{1,20}$", description="A Twitter id, as a string")]
SchemaVersion = Annotated[
    int,
    Field(ge=1, description="Revision of this event type's payload; grows with compatible changes"),
]
# What a Twitter-derived event id is derived from: one kind per thing Twitter identifies.
TwitterIdKind = Literal["tweet", "direct_message", "tweet_delete", "favorite", "follow", "revoke"]


class ContractModel(BaseModel):
    """Base of every contract model: immutable, and strict about unknown fields on output.

    Consumers ignore fields they do not know (`extra="ignore"`), which is what lets a
    producer add optional fields without breaking them.
    """

    model_config = ConfigDict(frozen=True, extra="ignore", use_enum_values=False)


class Actor(ContractModel):
    """Who caused the change: a user, a system rule, a Twitter account or a service."""

    kind: ActorKind
    id: NonEmptyStr = Field(description="User id, rule name (e.g. auto_resolve), account id")


class Subject(ContractModel):
    """The ids of what the event is about, for routing without reading the payload."""

    channel_id: uuid.UUID | None = None
    conversation_id: uuid.UUID | None = None
    twitter_account_id: TwitterId | None = None
    customer_id: TwitterId | None = None
    user_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None


PayloadT = TypeVar("PayloadT", bound=ContractModel)


def _always_emitted(schema: dict[str, Any]) -> None:
    # `type` and `schema_version` have defaults in Python but every event carries them.
    required = schema.setdefault("required", [])
    required.extend(name for name in ("type", "schema_version") if name not in required)


class Event(ContractModel, Generic[PayloadT]):
    """An event. Concrete events fix `type` to a literal and `payload` to their model."""

    model_config = ConfigDict(json_schema_extra=_always_emitted)

    event_id: uuid.UUID = Field(
        description="Unique per event; derived from the Twitter id for events from Twitter, "
        "so a redelivery carries the same id"
    )
    type: str
    schema_version: SchemaVersion
    occurred_at: AwareDatetime
    org_id: uuid.UUID | None = Field(
        description="The organization; null only on twitter.* events, which ingest-svc cannot "
        "attribute (one Twitter account may be connected in several organizations)"
    )
    producer: NonEmptyStr
    actor: Actor
    correlation_id: uuid.UUID
    causation_id: uuid.UUID | None = None
    subject: Subject
    payload: PayloadT


class OrgEvent(Event[PayloadT], Generic[PayloadT]):
    """An event of an organization-scoped topic: `org_id` is always set."""

    org_id: uuid.UUID = Field(description="The organization the event belongs to")


def twitter_event_id(account_id: str, kind: TwitterIdKind, twitter_id: str) -> uuid.UUID:
    """Deterministic event id for something Twitter told us about one subscribed account."""
    return uuid.uuid5(TWITTER_EVENT_NAMESPACE, f"{account_id}/{kind}/{twitter_id}")


def utc_now() -> datetime:
    return datetime.now(UTC)
