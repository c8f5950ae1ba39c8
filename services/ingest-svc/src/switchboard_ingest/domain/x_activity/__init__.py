"""X Activity API deliveries: `{"data": {event_uuid, filter{user_id}, event_type, payload,
includes}}`, one event per delivery.

Ids come from the tweet, DM or revoke, never from `event_uuid` (one per delivery), so the
same activity reported by both webhook APIs yields the same event id and is deduplicated.
"""

import uuid

from switchboard_ingest.domain import reading
from switchboard_ingest.domain.account_activity import direct_messages, revocations
from switchboard_ingest.domain.model import (
    MalformedDeliveryError,
    Outcome,
    ParsedDelivery,
    Source,
)
from switchboard_ingest.domain.reading import Json
from switchboard_ingest.domain.tweets import tweet_received
from switchboard_ingest.domain.x_activity.posts import read_post

POSTS = ("post.mention.create", "post.reply.create")
DIRECT_MESSAGES = ("dm.received", "dm.sent")
REVOKE = "oauth.revoke"
EVENT_TYPES = (*POSTS, *DIRECT_MESSAGES, REVOKE)
PREFIX = "x_activity:"


def is_x_activity(body: Json) -> bool:
    return "data" in body


def parse(body: Json, *, correlation_id: uuid.UUID) -> ParsedDelivery:
    data = reading.obj(body["data"], "data")
    event_type = data.get("event_type")
    if event_type not in EVENT_TYPES:
        raise MalformedDeliveryError(
            "unknown X Activity event_type; this edge accepts " + ", ".join(EVENT_TYPES)
        )
    payload = reading.obj(data.get("payload"), "data.payload")
    filter_user = reading.optional_obj(data.get("filter"), "data.filter").get("user_id")
    if event_type == REVOKE:  # its filter may be empty: the payload names the account
        account = reading.twitter_id(payload.get("user_id"), "payload.user_id")
    else:
        account = reading.twitter_id(filter_user, "data.filter.user_id")
    source = Source(account, correlation_id)
    outcomes: list[Outcome]
    if event_type in POSTS:
        includes = reading.optional_obj(data.get("includes"), "data.includes")
        outcomes = [tweet_received(source, read_post(payload, includes))]
    elif event_type in DIRECT_MESSAGES:
        outcomes = direct_messages.parse_events(
            source, payload.get("direct_message_events"), users=payload.get("users")
        )
    else:
        outcomes = [
            revocations.app_revoked(
                source,
                app_id=reading.optional_text(payload.get("app_id"), "payload.app_id"),
                revoked_at=reading.iso_time(payload.get("date_time"), "payload.date_time"),
            )
        ]
    return ParsedDelivery(
        PREFIX + event_type,
        account,
        reading.optional_twitter_id(filter_user, "data.filter.user_id"),
        tuple(outcomes),
        correlation_id,
    )
