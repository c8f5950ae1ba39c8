"""Consuming catalogue topics at least once, with effectively-once effects.

Every subscriber registered here:
- fetches what is waiting, up to `max_batch` records at a time, and commits the offsets
  only after handling all of them (so after their database commits);
- parses each message with the topic's contract; what does not parse goes to `<topic>.dlq`,
  and an event type it does not know is skipped (producers may add types);
- handles the batch in one database transaction when the service offers one (`batch`):
  one commit for many messages. If that fails other than transiently, it is rolled back
  and the messages are handled one at a time, to find the one that fails and let the
  others through;
- retries a failing handler: transient failures (database or broker unreachable) and a
  handler's `RetryLaterError` (not yet: it will be) forever, with capped backoff, by
  fetching the batch again, so an outage loses nothing and the partition keeps its order;
  any other
  failure `max_attempts` times, then dead-letters it with the reason, so one poisoned
  message cannot stop a partition;
- runs each message's handling in the trace its headers name, with the event's ids bound
  to every log line;
- leaves idempotency to the handler (a batch fetched again is handled again from its start;
  see `switchboard_platform.db.idempotency`).
"""

import asyncio
import base64
import json
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

import sqlalchemy.exc
import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from opentelemetry import trace
from opentelemetry.trace import SpanKind
from pydantic import ValidationError

from switchboard_contracts.enums import ActorKind
from switchboard_contracts.envelope import Actor, Event, Subject, utc_now
from switchboard_contracts.events.dead_letters import DeadLetter, DeadLetterPayload
from switchboard_contracts.topics import Topic, topic_named
from switchboard_platform import metrics
from switchboard_platform.kafka.broker import Publisher
from switchboard_platform.logs import get_logger
from switchboard_platform.tracing import continued, tracing_on

log = get_logger(__name__)
_tracer = trace.get_tracer(__name__)

Handler = Callable[[Event[Any]], Awaitable[None]]

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,
    KafkaError,
    ConnectionError,
    TimeoutError,
)


class RetryLaterError(Exception):
    """Raised by a handler for a message it cannot handle yet but will (a rate limit's
    reset further away than one poll interval): fetched again, without limit, like a
    transient failure, and never dead-lettered. The handler bounds how long (a deadline
    kept with its record), since nothing here will."""


# What is retried without limit (the batch fetched again), never dead-lettered.
RETRIED_WITHOUT_LIMIT: tuple[type[BaseException], ...] = (*TRANSIENT_ERRORS, RetryLaterError)


class PermanentError(Exception):
    """Raised by a handler for a message that can never succeed: dead-letter it now."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def backoff_seconds(attempt: int, *, base: float = 0.1, cap: float = 5.0) -> float:
    return float(min(cap, base * 2 ** max(0, attempt - 1)))


BatchOpener = Callable[[Sequence[Event[Any]]], AbstractAsyncContextManager[Handler]]
"""Given a batch's events, opens one transaction for them (and may read ahead what their
handling needs) and gives the handler to run in it for each, in order; the transaction
commits when the context exits without an error."""

MAX_BATCH = 100  # the most records handled (and committed) together, with a `batch`
# How long `getmany` waits when nothing is buffered. FastStream then sleeps as long again
# before the next `getmany`, blind to what arrives meanwhile: short, so a record that comes
# to an idle consumer waits at most this much more (an idle subscriber wakes 50 times a
# second, at a few microseconds each).
FETCH_WAIT_MS = 10
# How long the broker holds a fetch that has nothing new (Kafka's default: 500 ms). With the
# fetcher fetching ahead (`_keep_fetching`), a partition whose records were just taken is
# not in the fetch already waiting on the broker, so its next record waits for that fetch
# to come back: at most this long, at the cost of that many empty fetches a second idle.
BROKER_WAIT_MS = 25


@dataclass(frozen=True)
class _Letter:
    record: ConsumerRecord[Any, Any]
    error_type: str
    error: str
    event_id: uuid.UUID | None = None


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
        batch: BatchOpener | None = None,
        max_batch: int | None = None,
    ) -> None:
        """`handler` handles one event in its own transaction; `batch`, when given, many
        in one. Without `batch` records are still fetched and committed together, up to
        `max_batch` (default 1), and the records of different keys are handled at the same
        time: a slow handler (one calling Twitter) given `max_batch` > 1 handles that many
        keys at once. The batch is committed when its slowest key is done."""
        self.topic = topic
        self.group_id = group_id
        self._handler = handler
        self._publisher = publisher
        self._service = service
        self._max_attempts = max_attempts
        self._batch = batch
        self._max_batch = max_batch or (MAX_BATCH if batch is not None else 1)
        self._transient_failures = 0

    def register(self, broker: KafkaBroker) -> None:
        broker.subscriber(
            self._publisher.topic_name(self.topic),
            group_id=self.group_id,
            ack_policy=AckPolicy.NACK_ON_ERROR,
            auto_offset_reset="earliest",
            title=f"{self._service}:{self.topic.name}",
            decoder=_raw_body,
            batch=True,
            max_records=self._max_batch,
            batch_timeout_ms=FETCH_WAIT_MS,
            fetch_max_wait_ms=BROKER_WAIT_MS,
        )(self.on_message)

    async def on_message(self, message: KafkaMessage) -> None:
        """One fetched batch (of one or more records): FastStream commits the offsets when
        this returns, and rewinds to the batch's first record when it raises."""
        _keep_fetching(message.consumer)
        records = _records(message)
        labels = {"topic": self.topic.name, "group": self.group_id}
        outcomes: Counter[str] = Counter()
        letters: list[_Letter] = []
        try:
            with metrics.PROCESSING_SECONDS.labels(**labels).time():
                events = [
                    (record, event)
                    for record in records
                    if (event := self._parse(record, outcomes, letters)) is not None
                ]
                await self._handle(events, outcomes, letters)
                # After the handling: a batch fetched again is not dead-lettered twice.
                for letter in letters:
                    await self._dead_letter(letter)
        except Exception:
            metrics.CONSUMED.labels(**labels, outcome="retried").inc(len(records))
            raise
        metrics.BATCH_RECORDS.labels(**labels).observe(len(records))
        for outcome, count in outcomes.items():
            metrics.CONSUMED.labels(**labels, outcome=outcome).inc(count)
        _observe_lag(message, records, self.topic.name, self.group_id)

    def _parse(
        self, record: ConsumerRecord[Any, Any], outcomes: Counter[str], letters: list[_Letter]
    ) -> Event[Any] | None:
        try:
            data = json.loads(record.value or b"")
        except ValueError as exc:
            letters.append(_Letter(record, "invalid_json", str(exc)))
            outcomes["dead_lettered"] += 1
            return None
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
            outcomes["skipped"] += 1
            return None
        try:
            return self.topic.adapter.validate_python(data)
        except ValidationError as exc:
            letters.append(_Letter(record, "validation_error", _summary(exc)))
            outcomes["dead_lettered"] += 1
            return None

    async def _handle(
        self,
        events: list[tuple[ConsumerRecord[Any, Any], Event[Any]]],
        outcomes: Counter[str],
        letters: list[_Letter],
    ) -> None:
        if self._batch is not None and len(events) > 1:
            try:
                async with self._batch([event for _, event in events]) as handle:
                    for record, event in events:
                        with self._handling(record, event):
                            await handle(event)
            except RETRIED_WITHOUT_LIMIT as exc:
                await self._back_off(exc, events[0][0])
                raise
            except Exception:
                log.warning(
                    "batch failed, handling its messages one at a time",
                    topic=self.topic.name,
                    offset=events[0][0].offset,
                    size=len(events),
                    exc_info=True,
                )
            else:
                outcomes["handled"] += len(events)
                self._transient_failures = 0
                return
        # One transaction each. Kafka orders records only per key, so each key's records are
        # handled in order and different keys' at the same time (a reply to one conversation
        # does not wait for Twitter to answer another's). Every lane runs to its end before
        # the batch is committed or fetched again: none is cut off mid-call.
        lanes: dict[bytes | None, list[tuple[ConsumerRecord[Any, Any], Event[Any]]]] = {}
        for record, event in events:
            lanes.setdefault(record.key, []).append((record, event))
        if len(lanes) == 1:  # the usual case (max_batch 1): no task around it
            ended: list[Counter[str] | BaseException] = [await self._handle_lane(events, letters)]
        else:
            ended = await asyncio.gather(
                *(self._handle_lane(lane, letters) for lane in lanes.values()),
                return_exceptions=True,
            )
        for result in ended:
            if isinstance(result, BaseException):
                raise result
            outcomes.update(result)
        self._transient_failures = 0

    async def _handle_lane(
        self,
        lane: list[tuple[ConsumerRecord[Any, Any], Event[Any]]],
        letters: list[_Letter],
    ) -> Counter[str]:
        """One key's records, in order; a retried failure stops the lane (its later records
        wait for it, as the batch is fetched again)."""
        outcomes: Counter[str] = Counter()
        for record, event in lane:
            outcomes[await self._handle_alone(record, event, letters)] += 1
        return outcomes

    async def _handle_alone(
        self, record: ConsumerRecord[Any, Any], event: Event[Any], letters: list[_Letter]
    ) -> str:
        attempt = 0
        while True:
            attempt += 1
            try:
                with self._handling(record, event):
                    await self._handler(event)
            except PermanentError as exc:
                letters.append(_Letter(record, exc.code, str(exc), event.event_id))
                return "dead_lettered"
            except RETRIED_WITHOUT_LIMIT as exc:
                await self._back_off(exc, record)
                raise
            except Exception as exc:
                if attempt >= self._max_attempts:
                    error = f"{type(exc).__name__}: {exc}"
                    letters.append(_Letter(record, "handler_error", error, event.event_id))
                    return "dead_lettered"
                log.exception(
                    "handler failed, will retry",
                    topic=self.topic.name,
                    offset=record.offset,
                    attempt=attempt,
                )
                await asyncio.sleep(backoff_seconds(attempt))
            else:
                return "handled"

    async def _back_off(self, exc: BaseException, record: ConsumerRecord[Any, Any]) -> None:
        """Before the batch is fetched again: wait longer each time the failure repeats."""
        self._transient_failures += 1
        log.warning(
            "transient failure, will retry",
            topic=self.topic.name,
            offset=record.offset,
            attempt=self._transient_failures,
            error=repr(exc),
        )
        await asyncio.sleep(backoff_seconds(self._transient_failures))

    @contextmanager
    def _handling(self, record: ConsumerRecord[Any, Any], event: Event[Any]) -> Iterator[None]:
        """One event's handling: in the trace its record's headers name (a batch mixes
        traces), and every log line naming the event and the flow it belongs to."""
        with (
            structlog.contextvars.bound_contextvars(
                correlation_id=str(event.correlation_id),
                event_id=str(event.event_id),
                event_type=event.type,
            ),
            self._span(record, event) if tracing_on() else nullcontext(),
        ):
            yield

    @contextmanager
    def _span(self, record: ConsumerRecord[Any, Any], event: Event[Any]) -> Iterator[None]:
        headers = {key: value.decode(errors="replace") for key, value in record.headers or ()}
        with (
            continued(headers),
            _tracer.start_as_current_span(
                f"{record.topic} process",
                kind=SpanKind.CONSUMER,
                attributes={
                    "messaging.system": "kafka",
                    "messaging.operation": "process",
                    "messaging.destination.name": record.topic,
                    "messaging.kafka.destination.partition": record.partition,
                    "messaging.kafka.message.offset": record.offset,
                    "messaging.message.id": str(event.event_id),
                    "messaging.consumer.group.name": self.group_id,
                },
            ),
        ):
            yield

    async def _dead_letter(self, letter: _Letter) -> None:
        record = letter.record
        value, encoding = _text_or_base64(record.value or b"")
        key = record.key
        letter_event = DeadLetter(
            event_id=uuid.uuid4(),
            occurred_at=utc_now(),
            org_id=None,
            producer=self._service,
            actor=Actor(kind=ActorKind.SERVICE, id=self._service),
            correlation_id=letter.event_id or uuid.uuid4(),
            causation_id=letter.event_id,
            subject=Subject(),
            payload=DeadLetterPayload(
                source_topic=self.topic.name,
                partition=record.partition,
                offset=record.offset,
                key=_text_or_base64(key)[0] if key is not None else None,
                value=value,
                value_encoding=encoding,
                headers={k: _text_or_base64(v)[0] for k, v in record.headers or ()},
                consumer_group=self.group_id,
                error_type=letter.error_type,
                error=letter.error[:4000],
                failed_at=utc_now(),
                original_event_id=letter.event_id,
            ),
        )
        dlq = topic_named(self.topic.dlq)
        await self._publisher.publish(dlq, letter_event, key=letter_event.payload.key or "")
        log.error(
            "dead-lettered",
            topic=self.topic.name,
            offset=record.offset,
            error_type=letter.error_type,
            error=letter.error[:500],
        )


async def _raw_body(message: KafkaMessage) -> bytes:
    # FastStream would decode JSON itself (by content-type), and a body it cannot decode
    # would fail before `on_message` could dead-letter it: hand over the bytes untouched.
    return message.body


def _observe_lag(
    message: KafkaMessage, records: Sequence[ConsumerRecord[Any, Any]], topic: str, group: str
) -> None:
    consumer = message.consumer
    if not isinstance(consumer, AIOKafkaConsumer):  # an in-memory test broker has none
        return
    last = {record.partition: record for record in records}  # records keep partition order
    for partition, record in last.items():
        highwater = consumer.highwater(TopicPartition(record.topic, partition))
        if highwater is not None:
            metrics.CONSUMER_LAG.labels(topic, str(partition), group).set(
                max(0, highwater - record.offset - 1)
            )


def _keep_fetching(consumer: object) -> None:
    """Let aiokafka fetch while a batch is handled.

    aiokafka (0.14) sends a broker no fetch at all while any partition it leads has records
    not yet taken by `getmany`, for up to its `prefetch_backoff` (100 ms; not a consumer
    option). So what arrived while a batch was handled was fetched only after the next
    `getmany`, and every record waited for a batch and a fetch more than it had to: at 200
    deliveries/s that was ~25 of the ~40 ms from webhook to conversations.v1. With no
    backoff the other partitions are fetched meanwhile; a partition with records waiting
    is still not fetched again, so what is buffered stays one fetch per partition. Set on
    the first batch of each consumer (FastStream builds it; the fetcher exists once it
    started). tests/integration/test_consumer.py fails if aiokafka renames these."""
    fetcher = getattr(consumer, "_fetcher", None)
    if getattr(fetcher, "_prefetch_backoff", 0):
        fetcher._prefetch_backoff = 0  # type: ignore[union-attr]  # noqa: SLF001


def _records(message: KafkaMessage) -> Sequence[ConsumerRecord[Any, Any]]:
    raw = message.raw_message
    return tuple(raw) if isinstance(raw, tuple | list) else (raw,)


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
