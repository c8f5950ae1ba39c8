"""Receiving one webhook delivery: verify, parse, publish every event, then answer.

Nothing is published for a refused delivery, and the caller answers 200 only after the
broker acknowledged every record, so a crash before that makes Twitter deliver again.
"""

import json
import uuid
from datetime import datetime

from switchboard_contracts.enums import ActorKind
from switchboard_contracts.envelope import Actor, Subject
from switchboard_contracts.events.twitter import WebhookDelivered, WebhookDeliveredPayload
from switchboard_contracts.topics import TWITTER_ACTIVITY, TWITTER_WEBHOOKS_RAW
from switchboard_ingest.domain.deliveries import (
    PRODUCER,
    MalformedDeliveryError,
    ParsedDelivery,
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
    try:
        data = json.loads(body)
    except ValueError as exc:  # also UnicodeDecodeError
        raise MalformedDeliveryError(f"the body is not JSON: {exc}") from exc
    correlation_id = uuid.uuid4()
    parsed = parse_delivery(data, correlation_id=correlation_id)
    records = [
        OutgoingRecord(
            publisher.topic_name(TWITTER_ACTIVITY), item.key, encode(item.event), item.event.type
        )
        for item in parsed.events
    ]
    raw = WebhookDelivered(
        event_id=uuid.uuid4(),
        occurred_at=received_at,
        org_id=None,
        producer=PRODUCER,
        actor=Actor(kind=ActorKind.SERVICE, id=PRODUCER),
        correlation_id=correlation_id,
        subject=Subject(twitter_account_id=parsed.for_user_id),
        payload=WebhookDeliveredPayload(
            received_at=received_at,
            for_user_id=parsed.for_user_id,
            envelope=parsed.envelope,
            signature_verified=True,
            body=body.decode(),
            event_ids=tuple(str(item.event.event_id) for item in parsed.events),
        ),
    )
    records.append(
        OutgoingRecord(
            publisher.topic_name(TWITTER_WEBHOOKS_RAW),
            parsed.for_user_id or "app",
            encode(raw),
            raw.type,
        )
    )
    await publisher.publish_batch(records)
    return parsed
