"""Building the Kafka broker and publishing events: one producer configuration for all.

`acks=all`: a publish returns only once every in-sync replica has the records. The
producer is *not* idempotent, on purpose. aiokafka (0.14) gives a batch its sequence
numbers when it leaves the accumulator, and drops a batch that waited past the request
timeout for a partition with no leader (as while a broker restarts) without sending it;
the broker then refuses every later batch to that partition with OutOfOrderSequenceNumber
until the producer is recreated. A Kafka outage longer than the timeout left ingest-svc
answering 503 for good (the chaos run found it; tests/chaos/test_producer_outage.py shows
it). Without idempotence a retried send may write a record twice, which every consumer
absorbs (events are deduplicated by id), and order is kept all the same: aiokafka sends a
partition's next batch only once the one in flight is answered.
"""

import asyncio
import logging
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, Protocol

from faststream.kafka import KafkaBroker
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware

from switchboard_contracts.envelope import Event
from switchboard_contracts.topics import Topic
from switchboard_platform.kafka.naming import physical_name
from switchboard_platform.settings import KafkaSettings
from switchboard_platform.tracing import continued

# aiokafka's default batch is 16 KiB: three or four of ingest's records (a raw delivery
# carries its body), so batches filled at once under load, and every send then waited for
# room (see `EventPublisher.publish_batch`). Under the broker's default message.max.bytes
# (1 MiB and a little): a batch is one message set on the broker.
MAX_BATCH_BYTES = 1_000_000


def build_broker(settings: KafkaSettings, *, client_id: str, traced: bool = False) -> KafkaBroker:
    """`traced`: write and continue the trace context in record headers (see `tracing`)."""
    return KafkaBroker(
        settings.bootstrap_servers,
        middlewares=[KafkaTelemetryMiddleware()] if traced else [],
        client_id=client_id,
        **producer_options(settings),
        logger=logging.getLogger("faststream"),
        log_level=logging.DEBUG,  # "Received"/"Processed" per message: too much at INFO
    )


def producer_options(settings: KafkaSettings) -> dict[str, Any]:
    """The producer's configuration (also what benchmarks' bare producers use)."""
    return {
        "enable_idempotence": False,  # see the module's docstring
        "acks": "all",
        "request_timeout_ms": settings.request_timeout_ms,
        "max_batch_size": MAX_BATCH_BYTES,
    }


def encode(event: Event[Any]) -> bytes:
    return event.model_dump_json().encode()


class Publisher(Protocol):
    """What producers depend on; `EventPublisher` on a real broker, a fake in unit tests."""

    def topic_name(self, topic: Topic) -> str: ...

    async def publish(self, topic: Topic, event: Event[Any], *, key: str) -> None: ...

    async def publish_batch(self, records: Sequence["OutgoingRecord"]) -> None: ...


class EventPublisher:
    """Publishes contract events to catalogue topics and waits for the broker's ack."""

    def __init__(self, broker: KafkaBroker, settings: KafkaSettings) -> None:
        self._broker = broker
        self._prefix = settings.topic_prefix
        # aiokafka wakes every send waiting for room in a full batch at once and the first
        # to run takes the room: one waiter could lose for seconds while others kept coming
        # (under load, ingest answered 503 to deliveries whose ack took past its deadline).
        # Handing records over one publisher at a time, in arrival order (asyncio.Lock is
        # FIFO), makes the wait fair; it is only held while records are handed over, never
        # while acks are awaited, and a send that finds room does not wait at all.
        self._handing_over = asyncio.Lock()

    def topic_name(self, topic: Topic) -> str:
        return physical_name(topic, self._prefix)

    def topic_name_of(self, catalogue_name: str) -> str:
        return physical_name(catalogue_name, self._prefix)

    async def publish(self, topic: Topic, event: Event[Any], *, key: str) -> None:
        await self.publish_raw(
            self.topic_name(topic), encode(event), key=key, event_type=event.type
        )

    async def publish_raw(self, topic: str, value: bytes, *, key: str, event_type: str) -> None:
        await self.publish_batch([OutgoingRecord(topic, key, value, event_type)])

    async def publish_batch(self, records: Sequence["OutgoingRecord"]) -> None:
        """Send all records in order, then wait until the broker acknowledged every one.

        A record's `trace_context` (stored with an outbox row) is the trace it goes on in;
        without one it goes on in the current trace, if any."""
        pending = []
        async with self._handing_over:
            for record in records:
                with continued(record.trace_context):
                    pending.append(
                        await self._broker.publish(
                            record.value,
                            record.topic,
                            key=record.key.encode(),
                            headers={
                                "content-type": "application/json",
                                "event-type": record.event_type,
                            },
                            no_confirm=True,
                        )
                    )
        await asyncio.gather(*pending)


class OutgoingRecord(NamedTuple):
    topic: str
    key: str
    value: bytes
    event_type: str
    trace_context: Mapping[str, str] | None = None
