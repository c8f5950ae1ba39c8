"""Receiving one webhook delivery: verify, parse, publish every event, then answer.

Nothing is published for a refused delivery, and the caller answers 200 only after the
broker acknowledged every record, so a crash before that makes Twitter deliver again.
"""

import uuid
from collections.abc import Callable
from datetime import datetime

from pydantic_core import PydanticSerializationError

from switchboard_contracts.enums import ActorKind
from switchboard_contracts.envelope import Actor, Subject
from switchboard_contracts.events.twitter import WebhookDelivered, WebhookDeliveredPayload
from switchboard_contracts.topics import TWITTER_ACTIVITY, TWITTER_WEBHOOKS_RAW, Topic
from switchboard_ingest.domain.deliveries import (
    PRODUCER,
    MalformedDeliveryError,
    ParsedDelivery,
    decode_body,
    delivery_correlation_id,
    parse_delivery,
)
from switchboard_ingest.domain.signature import is_valid_signature
from switchboard_platform.kafka.broker import OutgoingRecord, Publisher, encode


class InvalidSignatureError(Exception):
    """The delivery is unsigned or signed with another secret."""


async def receive_delivery(
    *,
    body: bytes,
    signature_header: str | None,
    consumer_secret: str,
    publisher: Publisher,
    received_at: datetime,
) -> ParsedDelivery:
    if not is_valid_signature(consumer_secret, body, signature_header):
        raise InvalidSignatureError
    parsed = parse_delivery(decode_body(body), correlation_id=delivery_correlation_id(body))
    await publisher.publish_batch(delivery_records(parsed, body, received_at, publisher.topic_name))
    return parsed


def delivery_records(
    parsed: ParsedDelivery,
    body: bytes,
    received_at: datetime,
    topic_name: Callable[[Topic], str],
) -> list[OutgoingRecord]:
    """The delivery's events in their order, then the raw delivery that names them."""
    events = parsed.events
    raw = WebhookDelivered(
        event_id=uuid.uuid4(),  # one per receipt: a redelivery is a new receipt
        occurred_at=received_at,
        org_id=None,
        producer=PRODUCER,
        actor=Actor(kind=ActorKind.SERVICE, id=PRODUCER),
        correlation_id=parsed.correlation_id,
        subject=Subject(twitter_account_id=parsed.account_id),
        payload=WebhookDeliveredPayload(
            received_at=received_at,
            for_user_id=parsed.for_user_id,
            envelope=parsed.envelope,
            signature_verified=True,  # unverified deliveries are refused, never published
            body=body.decode(),
            event_ids=tuple(item.event.event_id for item in events),
        ),
    )
    activity = topic_name(TWITTER_ACTIVITY)
    try:
        records = [
            OutgoingRecord(activity, item.key, encode(item.event), item.event.type)
            for item in events
        ]
        records.append(
            OutgoingRecord(
                topic_name(TWITTER_WEBHOOKS_RAW), parsed.account_id, encode(raw), raw.type
            )
        )
    except PydanticSerializationError as exc:
        raise MalformedDeliveryError(f"an event cannot be encoded: {exc}"[:200]) from None
    return records
