"""The transactional outbox: events are written in the same transaction as the state
change, and a relay publishes them afterwards, in order, and deletes what Kafka acked.

Order: rows are published in id order by one relay at a time (a transaction-level
advisory lock elects it; other replicas stand by). Handlers lock the aggregate they change
before writing its events, so the ids of one key's events follow its commit order.
A crash between publish and delete publishes a batch again: consumers deduplicate by
`event_id`.
"""

import asyncio
import contextlib
import time
from collections.abc import Sequence
from typing import Any

import orjson
import psycopg
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    delete,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from switchboard_contracts.envelope import Event
from switchboard_contracts.topics import Topic
from switchboard_platform import metrics
from switchboard_platform.db.copy import copy_rows
from switchboard_platform.kafka.broker import EventPublisher, OutgoingRecord, encode
from switchboard_platform.logs import get_logger
from switchboard_platform.tracing import current_trace_context

log = get_logger(__name__)

NOTIFY_CHANNEL = "switchboard_outbox"
RELAY_LOCK_KEY = 0x5B0_0B0C  # any constant; one per database, and each service has its own
GAUGE_SECONDS = 1.0  # how often the backlog and age gauges are measured


def outbox_table(metadata: MetaData) -> Table:
    return Table(
        "outbox",
        metadata,
        Column("id", BigInteger, Identity(always=True), primary_key=True),
        Column("topic", String(200), nullable=False),
        Column("key", String(200), nullable=False),
        Column("event_id", Uuid, nullable=False),
        Column("event_type", String(100), nullable=False),
        Column("value", Text, nullable=False),
        # The writer's W3C trace context: the relay publishes the event in that trace.
        Column("trace_context", JSONB, nullable=True),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


async def enqueue(
    session: AsyncSession, table: Table, topic: Topic, event: Event[Any], *, key: str
) -> None:
    """Add an event to the outbox within the caller's transaction."""
    await enqueue_many(session, table, [(topic, event, key)])


async def enqueue_many(
    session: AsyncSession, table: Table, events: Sequence[tuple[Topic, Event[Any], str]]
) -> None:
    """Add many events (topic, event, key), in order, and one NOTIFY: for batches (one
    COPY whatever their number, rather than a statement per row)."""
    if not events:
        return
    trace_context = current_trace_context()  # one writer, one context for all its events
    context_json = None if trace_context is None else orjson.dumps(trace_context).decode()
    await copy_rows(
        session,
        table.name,
        _COPIED,
        (
            (topic.name, key, event.event_id, event.type, encode(event).decode(), context_json)
            for topic, event, key in events
        ),
    )
    # Delivered at commit, and folded with the other notifications of the transaction.
    await session.execute(_NOTIFY)


_COPIED = ("topic", "key", "event_id", "event_type", "value", "trace_context")
_NOTIFY = text(f"SELECT pg_notify('{NOTIFY_CHANNEL}', '')")


class OutboxRelay:
    def __init__(
        self,
        engine: AsyncEngine,
        table: Table,
        publisher: EventPublisher,
        *,
        batch_size: int = 500,
        idle_seconds: float = 1.0,
    ) -> None:
        self._engine = engine
        self._table = table
        self._publisher = publisher
        self._batch_size = batch_size
        self._idle_seconds = idle_seconds
        self._stopping = asyncio.Event()
        self._gauges_due = 0.0

    def stop(self) -> None:
        """Ask `run` to publish what is committed and return (it wakes within `idle_seconds`)."""
        self._stopping.set()

    async def publish_pending(self) -> int:
        """Publish one batch if this replica holds the relay lock; return how many.

        The batch is deleted and returned by one statement, in the transaction that
        publishes it: if Kafka does not ack every record, the rollback puts the rows back."""
        table = self._table
        async with self._engine.begin() as conn:
            elected = await conn.scalar(select(func.pg_try_advisory_xact_lock(RELAY_LOCK_KEY)))
            if not elected:
                return 0
            if time.monotonic() >= self._gauges_due:
                await self._measure_backlog(conn)
            batch = select(table.c.id).order_by(table.c.id).limit(self._batch_size)
            rows = sorted(
                (
                    await conn.execute(
                        delete(table)
                        .where(table.c.id.in_(batch.scalar_subquery()))
                        .returning(*table.c)
                    )
                ).all(),
                key=lambda row: int(row.id),
            )
            if not rows:
                return 0
            await self._publisher.publish_batch(
                [
                    OutgoingRecord(
                        self._publisher.topic_name_of(row.topic),
                        row.key,
                        row.value.encode(),
                        row.event_type,
                        row.trace_context,
                    )
                    for row in rows
                ]
            )
        for row in rows:
            metrics.OUTBOX_PUBLISHED.labels(row.topic).inc()
        metrics.OUTBOX_BACKLOG.dec(len(rows))
        return len(rows)

    async def _measure_backlog(self, conn: AsyncConnection) -> None:
        # A count over the table: at most once a second, not once per batch.
        table = self._table
        backlog, age = (
            await conn.execute(
                select(
                    func.count(),
                    func.coalesce(
                        func.extract("epoch", func.now() - func.min(table.c.created_at)), 0
                    ),
                ).select_from(table)
            )
        ).one()
        metrics.OUTBOX_BACKLOG.set(backlog)
        metrics.OUTBOX_OLDEST_AGE.set(float(age))
        self._gauges_due = time.monotonic() + GAUGE_SECONDS

    async def run(self) -> None:
        """Publish until `stop()`; wake on NOTIFY, poll every `idle_seconds` anyway."""
        # psycopg wants a plain libpq URL, with the password (str() of a URL masks it).
        conninfo = self._engine.url.set(drivername="postgresql")
        attempt = 0
        while not self._stopping.is_set():
            try:
                async with await psycopg.AsyncConnection.connect(
                    conninfo.render_as_string(hide_password=False), autocommit=True
                ) as listener:
                    await listener.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    attempt = 0
                    while not self._stopping.is_set():
                        # A partial batch took all there was: what commits next notifies
                        # (notifications queue on the listening connection, none is lost).
                        while await self.publish_pending() >= self._batch_size:
                            pass
                        with contextlib.suppress(TimeoutError):
                            async for _ in listener.notifies(
                                timeout=self._idle_seconds, stop_after=1
                            ):
                                pass
            except asyncio.CancelledError:
                raise
            except Exception:
                attempt += 1
                log.exception("outbox relay failed, retrying", attempt=attempt)
                await asyncio.sleep(min(5.0, 0.2 * 2**attempt))
        # Stopping: what the last handled messages committed leaves before the producer closes.
        while await self.publish_pending():
            pass
