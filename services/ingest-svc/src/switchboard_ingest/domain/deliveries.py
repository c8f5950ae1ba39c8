"""One webhook delivery -> contract events: the dispatcher. Pure: no I/O, no clock.

Account Activity deliveries (`for_user_id` + one envelope) go to `account_activity`, X
Activity API deliveries (`{"data": ...}`) to `x_activity`; anything else is refused.
"""

import hashlib
import json
import uuid

from pydantic import ValidationError

from switchboard_ingest.domain import account_activity, x_activity
from switchboard_ingest.domain.model import (
    PRODUCER,
    Dropped,
    KeyedEvent,
    MalformedDeliveryError,
    ParsedDelivery,
)

__all__ = [
    "PRODUCER",
    "Dropped",
    "KeyedEvent",
    "MalformedDeliveryError",
    "ParsedDelivery",
    "decode_body",
    "delivery_correlation_id",
    "parse_delivery",
]

# Any constant: the namespace of the correlation ids derived from delivery bodies.
DELIVERY_NAMESPACE = uuid.UUID("0c6f3a52-8f0e-5d39-9b8e-2f1d6a7c4e10")


def delivery_correlation_id(body: bytes) -> uuid.UUID:
    """The delivery's correlation id, derived from its bytes: Twitter redelivers the same
    body when it saw no 200 (perhaps after we published), and the events it yields must be
    the same bytes again, since their ids are derived too; a fresh id would make one event id
    name two contents."""
    return uuid.uuid5(DELIVERY_NAMESPACE, hashlib.sha256(body).hexdigest())


def decode_body(body: bytes) -> object:
    """The raw body as JSON. Only UTF-8 (what Twitter sends, and what the raw topic keeps)."""
    try:
        return json.loads(body.decode())
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise MalformedDeliveryError(f"the body is not UTF-8 JSON: {exc}"[:200]) from None


def parse_delivery(body: object, *, correlation_id: uuid.UUID) -> ParsedDelivery:
    if not isinstance(body, dict):
        raise MalformedDeliveryError("the body is not a JSON object")
    aaa, xaa = account_activity.is_account_activity(body), x_activity.is_x_activity(body)
    if aaa == xaa:
        raise MalformedDeliveryError(
            "expected one Account Activity envelope or an X Activity `data` object, found "
            + ("both" if aaa else "none")
        )
    try:
        if aaa:
            return account_activity.parse(body, correlation_id=correlation_id)
        return x_activity.parse(body, correlation_id=correlation_id)
    except ValidationError as exc:  # a value our readers let through but a contract refuses
        raise MalformedDeliveryError(f"a field is not valid: {exc.errors()[0]['msg']}") from None
