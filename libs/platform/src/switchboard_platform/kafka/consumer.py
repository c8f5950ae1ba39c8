"""Consuming catalogue topics at least once, with effectively-once effects.

Every subscriber registered here:
- commits its offset only after the handler returned (so after its database commit);
- parses the message with the topic's contract; what does not parse goes to `<topic>.dlq`,
  and an event type it does not know is skipped (producers may add types);
- retries a failing handler: transient failures (database or broker unreachable) forever,
  with capped backoff, so an outage loses nothing; any other failure `max_attempts` times,
  then dead-letters it with the reason, so one poisoned message cannot stop a partition;
- leaves idempotency to the handler (see `switchboard_platform.db.idempotency`).
"""

import asyncio
import base64
import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy.exc
import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from pydantic import ValidationError

from switchboard_contracts.enums import ActorKind
from switchboard_contracts.envelope import Actor, Event, Subject, utc_now
from switchboard_contracts.events.dead_letters import DeadLetter, DeadLetterPayload
from switchboard_contracts.topics import Topic, topic_named
from switchboard_platform import metrics
from switchboard_platform.kafka.broker import Publisher
from switchboard_platform.logs import get_logger

log = get_logger(__name__)

Handler = Callable[[Event[Any]], Awaitable[None]]

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,
    KafkaError,
    ConnectionError,
    TimeoutError,
)


class PermanentError(Exception):
    """Raised by a handler for a message that can never succeed: dead-letter it now."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def backoff_seconds(attempt: int, *, base: float = 0.1, cap: float = 5.0) -> float:
    return float(min(cap, base * 2 ** max(0, attempt - 1)))


class Subscription:
    """One consumer group's handler for one topic, registered on a FastStream broker."""

    def __init__(
        self,
        *,
        topic: Topic,
        group_id: str,
        handler: Handler,
        publisher: Publisher,
        service: str,
        max_attempts: int = 5,
    ) -> None:
        self.topic = topic
        self.group_id = group_id
        self._handler = handler
        self._publisher = publisher
        self._service = service
        self._max_attempts = max_attempts
        self._attempts: dict[tuple[int, int], int] = {}

    def register(self, broker: KafkaBroker) -> None:
        broker.subscriber(
            self._publisher.topic_name(self.topic),
            group_id=self.group_id,
            ack_policy=AckPolicy.NACK_ON_ERROR,
            auto_offset_reset="earliest",
            title=f"{self._service}:{self.topic.name}",
            decoder=_raw_body,
        )(self.on_message)

    async def on_message(self, message: KafkaMessage) -> None:
        record = _record(message)
        labels = {"topic": self.topic.name, "group": self.group_id}
        try:
            with metrics.PROCESSING_SECONDS.labels(**labels).time():
                outcome = await self._process(message, record)
        except Exception:
            metrics.CONSUMED.labels(**labels, outcome="retried").inc()
            raise
        metrics.CONSUMED.labels(**labels, outcome=outcome).inc()
        _observe_lag(message, record, self.topic.name, self.group_id)

    async def _process(self, message: KafkaMessage, record: ConsumerRecord[Any, Any]) -> str:
        body = message.body
        position = (record.partition, record.offset)
        try:
            data = json.loads(body)
        except ValueError as exc:
            await self._dead_letter(message, body, "invalid_json", str(exc))
            return "dead_lettered"
        event_type = data.get("type") if isinstance(data, dict) else None
        if isinstance(event_type, str) and event_type not in self.topic.event_types:
            # A tolerant reader: producers may add event types to a topic; consumers that
            # do not know one skip it (that is what makes adding one a compatible change).
            log.info(
                "skipped unknown event type",
                topic=self.topic.name,
                type=event_type,
                offset=record.offset,
            )
            return "skipped"
        try:
            event = self.topic.adapter.validate_python(data)
        except ValidationError as exc:
            await self._dead_letter(message, body, "validation_error", _summary(exc))
            return "dead_lettered"
        try:
            # Every log line of the handler names the event and the flow it belongs to.
            with structlog.contextvars.bound_contextvars(
                correlation_id=str(event.correlation_id),
                event_id=str(event.event_id),
                event_type=event.type,
            ):
                await self._handler(event)
        except PermanentError as exc:
            await self._dead_letter(message, body, exc.code, str(exc), event.event_id)
            return "dead_lettered"
        except TRANSIENT_ERRORS as exc:
            attempt = self._attempts.get(position, 0) + 1
            self._attempts[position] = attempt
            log.warning(
                "transient failure, will retry",
                topic=self.topic.name,
                offset=record.offset,
                attempt=attempt,
                error=repr(exc),
            )
            await asyncio.sleep(backoff_seconds(attempt))
            raise
        except Exception as exc:
            attempt = self._attempts.get(position, 0) + 1
            if attempt >= self._max_attempts:
                self._attempts.pop(position, None)
                await self._dead_letter(
                    message, body, "handler_error", f"{type(exc).__name__}: {exc}", event.event_id
                )
                return "dead_lettered"
            self._attempts[position] = attempt
            log.exception(
                "handler failed, will retry",
                topic=self.topic.name,
                offset=record.offset,
                attempt=attempt,
            )
            await asyncio.sleep(backoff_seconds(attempt))
            raise
        self._attempts.pop(position, None)
        return "handled"

    async def _dead_letter(
        self,
        message: KafkaMessage,
        body: bytes,
        error_type: str,
        error: str,
        event_id: uuid.UUID | None = None,
    ) -> None:
        record = _record(message)
        value, encoding = _text_or_base64(body)
        key = record.key
        letter = DeadLetter(
            event_id=uuid.uuid4(),
            occurred_at=utc_now(),
            org_id=None,
            producer=self._service,
            actor=Actor(kind=ActorKind.SERVICE, id=self._service),
            correlation_id=event_id or uuid.uuid4(),
            causation_id=event_id,
            subject=Subject(),
            payload=DeadLetterPayload(
                source_topic=self.topic.name,
                partition=record.partition,
                offset=record.offset,
                key=_text_or_base64(key)[0] if key is not None else None,
                value=value,
                value_encoding=encoding,
                headers={k: _text_or_base64(v)[0] for k, v in (message.headers or {}).items()},
                consumer_group=self.group_id,
                error_type=error_type,
                error=error[:4000],
                failed_at=utc_now(),
                original_event_id=event_id,
            ),
        )
        dlq = topic_named(self.topic.dlq)
        await self._publisher.publish(dlq, letter, key=letter.payload.key or "")
        log.error(
            "dead-lettered",
            topic=self.topic.name,
            offset=record.offset,
            error_type=error_type,
            error=error[:500],
        )


async def _raw_body(message: KafkaMessage) -> bytes:
    # FastStream would decode JSON itself (by content-type), and a body it cannot decode
    # would fail before `on_message` could dead-letter it: hand over the bytes untouched.
    return message.body


def _observe_lag(
    message: KafkaMessage, record: ConsumerRecord[Any, Any], topic: str, group: str
) -> None:
    consumer = message.consumer
    if not isinstance(consumer, AIOKafkaConsumer):  # an in-memory test broker has none
        return
    highwater = consumer.highwater(TopicPartition(record.topic, record.partition))
    if highwater is not None:
        metrics.CONSUMER_LAG.labels(topic, str(record.partition), group).set(
            max(0, highwater - record.offset - 1)
        )


def _record(message: KafkaMessage) -> ConsumerRecord[Any, Any]:
    record = message.raw_message
    if isinstance(record, tuple):  # batch subscribers are not used here
        raise TypeError("expected a single Kafka record")
    return record


def _text_or_base64(data: bytes | str) -> tuple[str, Any]:
    if isinstance(data, str):
        return data, "utf-8"
    try:
        return data.decode(), "utf-8"
    except UnicodeDecodeError:
        return base64.b64encode(data).decode(), "base64"


def _summary(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}"
        for err in exc.errors()[:10]
    )
