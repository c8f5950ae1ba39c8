"""`GET`/`POST /webhooks/twitter`: parse the request, call the handler, answer.

The delivery route is the hot path, so it reads what it needs from the request itself:
FastAPI runs a sync dependency in its thread pool, and under load that hop alone put
hundreds of milliseconds on the p99 (see bench/). The OpenAPI document still describes
the header, the body and every answer (`delivery_docs`).
"""

import uuid
from typing import Annotated, Any, NoReturn

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from switchboard_contracts.errors import ErrorBody
from switchboard_ingest import metrics
from switchboard_ingest.adapters.broker import BrokerUnavailableError
from switchboard_ingest.domain.deliveries import MalformedDeliveryError, ParsedDelivery
from switchboard_ingest.domain.signature import crc_response_token
from switchboard_ingest.entrypoints.delivery_docs import DELIVERY_OPERATION, SIGNATURE_HEADER
from switchboard_ingest.service_layer.context import IngestContext
from switchboard_ingest.service_layer.receive_delivery import (
    InvalidSignatureError,
    receive_delivery,
)
from switchboard_platform.http.context import context_of
from switchboard_platform.http.errors import ApiError

router = APIRouter(prefix="/webhooks/twitter", tags=["twitter webhook"])


class CrcResponse(BaseModel):
    response_token: str


class DeliveryAccepted(BaseModel):
    accepted: bool = True
    events: int
    event_ids: list[uuid.UUID]


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


@router.get(
    "",
    summary="Answer Twitter's challenge-response check (CRC)",
    responses={400: _error("crc_token is missing")},
)
async def crc(request: Request, crc_token: Annotated[str | None, Query()] = None) -> CrcResponse:
    if not crc_token:
        raise ApiError(400, "crc_token is required.", field="crc_token")
    secret = context_of(request, IngestContext).settings.twitter_consumer_secret.get_secret_value()
    return CrcResponse(response_token=crc_response_token(secret, crc_token))


@router.post(
    "",
    summary="Receive an Account Activity or X Activity API delivery",
    description="Answers 200 only after Kafka acknowledged every event of the delivery and "
    "the raw delivery; nothing is published for a refused one.",
    openapi_extra=DELIVERY_OPERATION,
    response_model=DeliveryAccepted,
    responses={
        400: _error("not UTF-8 JSON, or not a delivery this edge understands"),
        401: _error(f"{SIGNATURE_HEADER} missing or wrong"),
        413: _error("body larger than SB_INGEST_MAX_BODY_BYTES"),
        503: _error("Kafka did not acknowledge in time: Twitter retries"),
    },
)
async def deliver(request: Request) -> Response:
    context = context_of(request, IngestContext)
    body = await _read_limited(request, context.settings.max_body_bytes)
    try:
        parsed = await receive_delivery(
            body=body,
            signature_header=request.headers.get(SIGNATURE_HEADER),
            consumer_secret=context.settings.twitter_consumer_secret.get_secret_value(),
            publisher=context.publisher,
            received_at=context.clock(),
        )
    except InvalidSignatureError:
        metrics.REJECTED.labels(reason="signature").inc()
        raise ApiError(
            401,
            f"Missing or invalid {SIGNATURE_HEADER}.",
            code="invalid_signature",
            field=SIGNATURE_HEADER,
        ) from None
    except MalformedDeliveryError as exc:
        metrics.REJECTED.labels(reason="malformed").inc()
        raise ApiError(400, str(exc), code="malformed_delivery", field="body") from None
    except BrokerUnavailableError as exc:
        metrics.REJECTED.labels(reason="broker_unavailable").inc()
        raise ApiError(503, f"Could not hand the delivery to Kafka ({exc}); retry later.") from None
    _count(parsed)
    ids = [item.event.event_id for item in parsed.events]
    answer = DeliveryAccepted(events=len(ids), event_ids=ids)
    return Response(answer.model_dump_json(), media_type="application/json")


def _count(parsed: ParsedDelivery) -> None:
    metrics.DELIVERIES.labels(envelope=parsed.envelope).inc()
    for item in parsed.events:
        metrics.EVENTS.labels(type=item.event.type).inc()
    for reason in parsed.dropped:
        metrics.DROPPED.labels(reason=reason).inc()


async def _read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isascii() and declared.isdigit() and int(declared) > limit:
        _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> NoReturn:
    metrics.REJECTED.labels(reason="too_large").inc()
    raise ApiError(413, f"The body is larger than {limit} bytes.", field="body")
