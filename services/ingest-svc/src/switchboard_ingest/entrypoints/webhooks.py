"""`GET`/`POST /webhooks/twitter`: parse the request, call the handler, answer."""

from datetime import UTC, datetime
from typing import Annotated, Any

from aiokafka.errors import KafkaError
from fastapi import APIRouter, Depends, Header, Query, Request

from switchboard_ingest import metrics
from switchboard_ingest.context import IngestContext, get_context
from switchboard_ingest.domain.deliveries import MalformedDeliveryError
from switchboard_ingest.domain.signature import crc_response_token
from switchboard_ingest.service_layer.receive_delivery import (
    InvalidSignatureError,
    receive_delivery,
)
from switchboard_platform.http.errors import ApiError

router = APIRouter(prefix="/webhooks/twitter", tags=["twitter webhook"])
Context = Annotated[IngestContext, Depends(get_context)]


@router.get("", summary="Answer Twitter's challenge-response check (CRC)")
async def crc(context: Context, crc_token: Annotated[str | None, Query()] = None) -> dict[str, str]:
    if not crc_token:
        raise ApiError(400, "crc_token is required.", field="crc_token")
    secret = context.settings.twitter_consumer_secret.get_secret_value()
    return {"response_token": crc_response_token(secret, crc_token)}


@router.post("", summary="Receive an Account Activity delivery")
async def deliver(
    request: Request,
    context: Context,
    signature: Annotated[str | None, Header(alias="x-twitter-webhooks-signature")] = None,
) -> dict[str, Any]:
    body = await _read_limited(request, context.settings.max_body_bytes)
    try:
        with metrics.PUBLISH_SECONDS.time():
            parsed = await receive_delivery(
                body=body,
                signature_header=signature,
                consumer_secret=context.settings.twitter_consumer_secret.get_secret_value(),
                publisher=context.publisher,
                received_at=datetime.now(UTC),
            )
    except InvalidSignatureError:
        metrics.REJECTED.labels(reason="signature").inc()
        raise ApiError(
            401,
            "Missing or invalid x-twitter-webhooks-signature.",
            code="invalid_signature",
            field="x-twitter-webhooks-signature",
        ) from None
    except MalformedDeliveryError as exc:
        metrics.REJECTED.labels(reason="malformed").inc()
        raise ApiError(400, str(exc), code="malformed_delivery", field="body") from None
    except (KafkaError, TimeoutError) as exc:
        metrics.REJECTED.labels(reason="broker_unavailable").inc()
        raise ApiError(
            503, f"Could not hand the delivery to Kafka ({type(exc).__name__}); retry later."
        ) from None
    metrics.DELIVERIES.labels(envelope=parsed.envelope).inc()
    return {"accepted": True, "events": len(parsed.events)}


async def _read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, f"The body is larger than {limit} bytes.", field="body")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"The body is larger than {limit} bytes.", field="body")
        chunks.append(chunk)
    return b"".join(chunks)
