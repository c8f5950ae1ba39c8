"""One database transaction with the repositories a handler needs."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any

from sqlalchemy import bindparam, delete, func, literal, select, text
from sqlalchemy.dialects.postgresql import insert

from switchboard_contracts.envelope import Event
from switchboard_contracts.topics import CONVERSATIONS
from switchboard_conversation.adapters import rows, tables
from switchboard_conversation.adapters.conversations import (
    ConversationRepository,
    DeferringRepository,
    Writes,
)
from switchboard_conversation.adapters.queues import Reads
from switchboard_conversation.adapters.topics import TopicRepository
from switchboard_conversation.domain.channel import ChannelView
from switchboard_conversation.domain.conversation import Conversation
from switchboard_platform.db.idempotency import first_delivery
from switchboard_platform.db.outbox import enqueue_many
from switchboard_platform.db.unit_of_work import SessionUnitOfWork


class UnitOfWork(SessionUnitOfWork):
    outbox = tables.outbox
    conversations: ConversationRepository
    topics: TopicRepository
    reads: Reads

    def _opened(self) -> None:
        self.conversations = ConversationRepository(self.session)
        self.topics = TopicRepository(self.session)
        self.reads = Reads(self.session)
        self._deferred: _Deferred | None = None
        self._prefetched_deliveries: dict[uuid.UUID, str] = {}  # event id -> account id
        self._fresh_deliveries: set[uuid.UUID] = set()
        self._prefetched_channels: dict[str, list[ChannelView]] = {}

    def defer_writes(self) -> None:
        """For a batch of inbound messages in this transaction: what `commit_changes` is
        given waits and is written at commit, one statement per table for the batch instead
        of four per message; anything that reads conversations first has it written."""
        deferred = _Deferred()
        self._deferred = deferred

        async def flush() -> None:
            if deferred.is_empty:
                return
            writes, events = deferred.take()
            await self._write(writes, events)

        self.conversations = DeferringRepository(
            self.session,
            flush=flush,
            waiting=lambda channel, customer: (channel, customer) in deferred.keys,
        )

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None and isinstance(self.conversations, DeferringRepository):
            try:
                await self.conversations.flush()
            except BaseException as failed:
                await super().__aexit__(type(failed), failed, failed.__traceback__)
                raise
        await super().__aexit__(exc_type, exc, tb)

    async def first_delivery(self, consumer: str, event_id: uuid.UUID) -> bool:
        return await first_delivery(
            self.session, tables.processed_events, consumer=consumer, event_id=event_id
        )

    async def try_lock(self, key: int) -> bool:
        """A transaction-level advisory lock: one holder at a time across replicas."""
        return bool(await self.session.scalar(select(func.pg_try_advisory_xact_lock(key))))

    async def commit_changes(
        self, conversations: list[Conversation], events: list[Event[Any]]
    ) -> None:
        """Store conversations, their history and their conversations.v1 events, in bulk."""
        writes = Writes.of(conversations)
        if self._deferred is not None:
            self._deferred.add(conversations, writes, events)
            if isinstance(self.conversations, DeferringRepository):
                self.conversations.changing(
                    {(c.state.channel_id, c.state.customer.twitter_id) for c in conversations}
                )
            return
        await self._write(writes, events)

    async def _write(self, writes: Writes, events: list[Event[Any]]) -> None:
        repository = ConversationRepository(self.session)  # never deferring
        await repository.write(writes)
        await repository.record_history(events)
        await enqueue_many(
            self.session,
            tables.outbox,
            [(CONVERSATIONS, event, str(event.subject.conversation_id)) for event in events],
        )

    async def prefetch_activity(
        self, consumer: str, events: Sequence[tuple[uuid.UUID, str]]
    ) -> dict[str, list[ChannelView]]:
        """At a batch's start, (event id, account id) of its events: every event's
        processed-event record written at once and the accounts' channels read, for the
        `first_delivery_to_account` calls that follow (each event's answer serves once);
        the accounts' channels returned. Two round trips for the batch."""
        if not events:
            return {}
        fresh = await self.session.scalars(
            _FIRST_DELIVERIES,
            {"consumer": consumer, "event_ids": [event_id for event_id, _ in events]},
        )
        accounts = sorted({account_id for _, account_id in events})
        channels: dict[str, list[ChannelView]] = {account_id: [] for account_id in accounts}
        ch = tables.channels
        for row in await self.session.execute(
            select(ch).where(ch.c.twitter_account_id.in_(accounts))
        ):
            channels[row.twitter_account_id].append(rows.channel(row))
        self._prefetched_deliveries = dict(events)
        self._fresh_deliveries = set(fresh.all())
        self._prefetched_channels = channels
        return channels

    async def prefetch_conversations(self, wanted: Sequence[tuple[uuid.UUID, str, str]]) -> None:
        """(channel id, customer id, Twitter id) of a batch's messages, when writes are
        deferred: see `DeferringRepository.prefetch` (nothing otherwise)."""
        if isinstance(self.conversations, DeferringRepository):
            await self.conversations.prefetch(wanted)

    async def first_delivery_to_account(
        self, consumer: str, event_id: uuid.UUID, account_id: str
    ) -> tuple[bool, list[ChannelView]]:
        """`first_delivery` and `channels_for_account` in one round trip: whether this is the
        event's first delivery (its record is written), and the account's channels; or
        nothing at all, when the batch's `prefetch_activity` asked already."""
        # Each event's answer serves once: the same event again in the batch asks the
        # database, which says it is not a first delivery.
        if self._prefetched_deliveries.pop(event_id, None) == account_id:
            first = event_id in self._fresh_deliveries
            return first, list(self._prefetched_channels[account_id])
        found = (
            await self.session.execute(
                _FIRST_DELIVERY_TO_ACCOUNT,
                {"consumer": consumer, "event_id": event_id, "account_id": account_id},
            )
        ).all()
        channels = [rows.channel(row) for row in found if row.id is not None]
        return bool(found[0].first_delivery), channels

    # channels ------------------------------------------------------------------------------
    async def channels_for_account(self, account_id: str) -> list[ChannelView]:
        result = await self.session.execute(
            select(tables.channels).where(tables.channels.c.twitter_account_id == account_id)
        )
        return [rows.channel(row) for row in result]

    async def channel(self, org_id: uuid.UUID, channel_id: uuid.UUID) -> ChannelView | None:
        c = tables.channels.c
        row = (
            await self.session.execute(
                select(tables.channels).where(c.org_id == org_id, c.id == channel_id)
            )
        ).first()
        return None if row is None else rows.channel(row)

    async def save_channel(self, view: ChannelView, snapshot: dict[str, Any]) -> bool:
        """Store a channel if `view` is newer than what we have; say whether it was."""
        values = rows.channel_values(view, snapshot)
        statement = (
            insert(tables.channels)
            .values(values)
            .on_conflict_do_update(
                index_elements=["id"], set_=values, where=tables.channels.c.revision < view.revision
            )
            .returning(tables.channels.c.id)
        )
        return (await self.session.execute(statement)).first() is not None

    async def lock_account(self, account_id: str) -> None:
        """Serialise parking an account's activity with its channels' arrival (which replays
        what was parked), across replicas, until the commit: else a message that saw no
        channel could park itself just after the replay, where nothing replays it again."""
        key = func.hashtextextended(f"conversation-svc/account/{account_id}", 0)
        await self.session.execute(select(func.pg_advisory_xact_lock(key)))

    # unrouted activity -----------------------------------------------------------------------
    async def park(
        self, event_id: uuid.UUID, account_id: str, value: str, received_at: datetime
    ) -> None:
        await self.session.execute(
            insert(tables.unrouted_activity)
            .values(
                event_id=event_id,
                twitter_account_id=account_id,
                value=value,
                received_at=received_at,
            )
            .on_conflict_do_nothing()
        )

    async def take_parked(self, account_id: str) -> list[str]:
        table = tables.unrouted_activity
        result = await self.session.execute(
            delete(table)
            .where(table.c.twitter_account_id == account_id)
            .returning(table.c.value, table.c.received_at)
        )
        return [row.value for row in sorted(result, key=lambda row: row.received_at)]


def _first_delivery_to_account() -> Any:
    # Built once: it runs for every inbound message, and building it cost more than running.
    p, ch = tables.processed_events, tables.channels
    first = (
        insert(p)
        .values(consumer=bindparam("consumer"), event_id=bindparam("event_id"))
        .on_conflict_do_nothing()
        .returning(p.c.event_id)
        .cte("first")
    )
    one = select(literal(1).label("one")).subquery("one")
    return select(
        select(func.count()).select_from(first).scalar_subquery().label("first_delivery"),
        ch,
    ).select_from(one.outerjoin(ch, ch.c.twitter_account_id == bindparam("account_id")))


_FIRST_DELIVERY_TO_ACCOUNT = _first_delivery_to_account()
# A batch's processed-event records at once; those written (first deliveries) returned.
_FIRST_DELIVERIES = text(
    "INSERT INTO processed_events (consumer, event_id) "
    "SELECT :consumer, unnest(CAST(:event_ids AS uuid[])) "
    "ON CONFLICT DO NOTHING RETURNING event_id"
)


@dataclass
class _Deferred:
    """What a deferring unit of work has yet to write, and whose conversations they are."""

    writes: Writes = field(default_factory=Writes)
    events: list[Event[Any]] = field(default_factory=list)
    keys: set[tuple[uuid.UUID, str]] = field(default_factory=set)

    @property
    def is_empty(self) -> bool:
        return not self.writes.states and not self.events

    def add(
        self, conversations: list[Conversation], writes: Writes, events: list[Event[Any]]
    ) -> None:
        self.writes.extend(writes)
        self.events += events
        self.keys |= {(c.state.channel_id, c.state.customer.twitter_id) for c in conversations}

    def take(self) -> tuple[Writes, list[Event[Any]]]:
        taken = (self.writes, self.events)
        self.writes, self.events, self.keys = Writes(), [], set()
        return taken
