"""Conversations, their messages, notes and history in PostgreSQL (inside a unit of work)."""

import inspect
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import (
    DateTime,
    and_,
    bindparam,
    delete,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard_contracts.enums import DeliveryState, MessageDirection, MessageKind, QueueStatus
from switchboard_contracts.envelope import Event
from switchboard_conversation.adapters import rows, tables
from switchboard_conversation.domain.changes import (
    DeliveryChanged,
    MessageAdded,
    MessageDeleted,
    Note,
    NoteAdded,
    NoteRemoved,
)
from switchboard_conversation.domain.conversation import Conversation, State
from switchboard_conversation.domain.messages import HeldEcho, Message
from switchboard_platform.db.copy import copy_rows

_c = tables.conversations.c
_m = tables.messages.c
_h = tables.held_echoes.c
_ONE_SECOND: Any = literal_column("interval '1 second'")


class ConversationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def for_update(self, channel_id: uuid.UUID, customer_id: str) -> Conversation | None:
        return await self._one(and_(_c.channel_id == channel_id, _c.customer_id == customer_id))

    async def for_update_knowing(
        self, channel_id: uuid.UUID, customer_id: str, twitter_id: str
    ) -> tuple[Conversation | None, bool]:
        """`for_update`, and whether it has a message with that Twitter id (one round trip)."""
        row = (
            await self._session.execute(
                _FOR_UPDATE_KNOWING,
                {"channel_id": channel_id, "customer_id": customer_id, "twitter_id": twitter_id},
            )
        ).first()
        if row is None:
            return None, False
        return Conversation(rows.state(row)), bool(row.known)

    async def by_id_for_update(
        self, org_id: uuid.UUID, conversation_id: uuid.UUID
    ) -> Conversation | None:
        return await self._one(and_(_c.org_id == org_id, _c.id == conversation_id))

    async def _one(self, where: Any) -> Conversation | None:
        statement = select(tables.conversations).where(where).with_for_update()
        row = (await self._session.execute(statement)).first()
        return None if row is None else Conversation(rows.state(row))

    async def owned_by(self, org_id: uuid.UUID, user_ids: Sequence[uuid.UUID]) -> list[Any]:
        """(id, channel_id, owner_id) of the organization's owned conversations."""
        where = [_c.org_id == org_id, _c.owner_id.is_not(None)]
        if user_ids:
            where.append(_c.owner_id.in_(user_ids))
        statement = select(_c.id, _c.channel_id, _c.owner_id).where(*where)
        return list((await self._session.execute(statement)).all())

    async def stale_for_update(self, now: datetime, limit: int) -> list[Conversation]:
        """Open conversations past their channel's auto-resolve threshold (SKIP LOCKED)."""
        ch = tables.channels.c
        at = literal(now, DateTime(timezone=True))
        statement = (
            select(tables.conversations)
            .join(tables.channels, tables.channels.c.id == _c.channel_id)
            .where(
                ch.auto_resolve_enabled,
                _c.status.in_([QueueStatus.NEW.value, QueueStatus.PENDING.value]),
                or_(
                    and_(
                        _c.status == QueueStatus.NEW.value,
                        _c.last_activity_at <= at - ch.new_after_seconds * _ONE_SECOND,
                    ),
                    and_(
                        _c.status == QueueStatus.PENDING.value,
                        _c.last_activity_at <= at - ch.pending_after_seconds * _ONE_SECOND,
                    ),
                ),
            )
            .order_by(_c.last_activity_at)
            .limit(limit)
            .with_for_update(of=tables.conversations, skip_locked=True)
        )
        return [Conversation(rows.state(row)) for row in await self._session.execute(statement)]

    # messages ---------------------------------------------------------------------------------
    async def message_by_twitter_id(
        self, conversation_id: uuid.UUID, twitter_id: str
    ) -> Message | None:
        return await self._message(
            _m.conversation_id == conversation_id, _m.twitter_id == twitter_id
        )

    async def message(self, conversation_id: uuid.UUID, message_id: uuid.UUID) -> Message | None:
        return await self._message(_m.conversation_id == conversation_id, _m.id == message_id)

    async def awaiting_result(self, conversation_id: uuid.UUID) -> list[Message]:
        """The outbound messages still awaiting their delivery result."""
        statement = select(tables.messages).where(
            _m.conversation_id == conversation_id,
            _m.direction == MessageDirection.OUTBOUND.value,
            _m.delivery_state == DeliveryState.REQUESTED.value,
        )
        return [rows.message(row) for row in await self._session.execute(statement)]

    async def remove_message(self, message_id: uuid.UUID) -> None:
        await self._session.execute(delete(tables.messages).where(_m.id == message_id))

    # held echoes ------------------------------------------------------------------------------
    async def hold_echo(
        self,
        conversation_id: uuid.UUID,
        *,
        twitter_id: str,
        kind: MessageKind,
        created_at: datetime,
        value: str,
    ) -> None:
        """Keep an echo (the event as received) until the results say what it is; once."""
        await self._session.execute(
            insert(tables.held_echoes)
            .values(
                conversation_id=conversation_id,
                twitter_id=twitter_id,
                kind=kind.value,
                created_at=created_at,
                value=value,
            )
            .on_conflict_do_nothing()
        )

    async def held_echoes(self, conversation_id: uuid.UUID) -> list[HeldEcho]:
        """The conversation's held echoes, oldest first."""
        statement = (
            select(_h.twitter_id, _h.kind, _h.held_at, _h.value)
            .where(_h.conversation_id == conversation_id)
            .order_by(_h.created_at, _h.twitter_id)
        )
        return [
            HeldEcho(row.twitter_id, MessageKind(row.kind), row.held_at, row.value)
            for row in await self._session.execute(statement)
        ]

    async def forget_held_echo(self, conversation_id: uuid.UUID, twitter_id: str) -> bool:
        """Whether it was held (and is no more)."""
        statement = (
            delete(tables.held_echoes)
            .where(_h.conversation_id == conversation_id, _h.twitter_id == twitter_id)
            .returning(_h.twitter_id)
        )
        return (await self._session.execute(statement)).first() is not None

    async def holding_echoes_for_update(
        self, held_before: datetime, limit: int
    ) -> list[Conversation]:
        """Conversations with an echo held at or before `held_before` (SKIP LOCKED: one
        replica's sweep never waits on another's, nor on a handler's)."""
        held_long = select(_h.conversation_id).where(
            _h.held_at <= literal(held_before, DateTime(timezone=True))
        )
        statement = (
            select(tables.conversations)
            .where(_c.id.in_(held_long))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [Conversation(rows.state(row)) for row in await self._session.execute(statement)]

    async def _message(self, *where: Any) -> Message | None:
        statement = select(tables.messages).where(*where).order_by(_m.created_at).limit(1)
        row = (await self._session.execute(statement)).first()
        return None if row is None else rows.message(row)

    async def note(self, conversation_id: uuid.UUID, note_id: uuid.UUID) -> Note | None:
        n = tables.notes.c
        row = (
            await self._session.execute(
                select(tables.notes).where(
                    n.conversation_id == conversation_id, n.id == note_id, n.removed_at.is_(None)
                )
            )
        ).first()
        return None if row is None else Note(row.id, row.author_user_id, row.text, row.created_at)

    # saving -----------------------------------------------------------------------------------
    async def save(self, conversations: Sequence[Conversation]) -> None:
        """Store the state of each conversation and what its changes added, in bulk: one
        statement for every conversation (one JSON parameter), not one per row."""
        await self.write(Writes.of(conversations))

    async def write(self, writes: "Writes") -> None:
        if not writes.states:
            return
        await self._session.execute(_UPSERT, _rows(writes.states))
        if writes.added:
            await self._session.execute(insert(tables.messages), writes.added)
        for values in writes.changed:
            await self._session.execute(
                update(tables.messages).where(_m.id == values["id"]).values(values)
            )
        if writes.notes:
            await self._session.execute(insert(tables.notes), writes.notes)
        for item in writes.removed_notes:
            await self._session.execute(
                update(tables.notes)
                .where(tables.notes.c.id == item["note_id"])
                .values(removed_at=item["at"])
            )

    async def record_history(self, events: Sequence[Event[Any]]) -> None:
        if events:
            await copy_rows(
                self._session, tables.history.name, _HISTORY_COLUMNS, map(_history, events)
            )


@dataclass
class Writes:
    """The rows that storing conversations writes: their states and what their changes
    added or changed (values taken when built: the changes are cleared after recording)."""

    states: list[dict[str, Any]] = field(default_factory=list)
    added: list[Any] = field(default_factory=list)
    changed: list[Any] = field(default_factory=list)
    notes: list[Any] = field(default_factory=list)
    removed_notes: list[Any] = field(default_factory=list)

    @classmethod
    def of(cls, conversations: Sequence[Conversation]) -> "Writes":
        added, changed, notes, removed_notes = _rows_of_changes(conversations)
        states = [rows.state_values(c.state) for c in conversations]
        return cls(states, added, changed, notes, removed_notes)

    def extend(self, other: "Writes") -> None:
        self.states += other.states
        self.added += other.added
        self.changed += other.changed
        self.notes += other.notes
        self.removed_notes += other.removed_notes


class DeferringRepository(ConversationRepository):
    """The repository of a unit of work whose recorded changes wait to be written together
    (`UnitOfWork.defer_writes`): whatever reads or writes conversations through it first
    has the waiting writes flushed, so it sees them, except the inbound fast path
    (`for_update_knowing`) for a conversation nothing is waiting for."""

    def __init__(
        self,
        session: AsyncSession,
        *,
        flush: Callable[[], Awaitable[None]],
        waiting: Callable[[uuid.UUID, str], bool],
    ) -> None:
        super().__init__(session)
        self.flush = flush
        self._waiting = waiting
        self._prefetched: dict[tuple[uuid.UUID, str], Prefetched] = {}

    async def prefetch(self, wanted: Sequence[tuple[uuid.UUID, str, str]]) -> None:
        """(channel id, customer id, Twitter id) of a batch's messages: their conversations
        locked, with which of those Twitter ids they hold, in one round trip, for the
        `for_update_knowing` calls that follow. Each answer serves once, and not after
        its conversation has a change waiting."""
        if not wanted:
            return
        pairs = sorted({(channel_id, customer_id) for channel_id, customer_id, _ in wanted})
        asked: dict[tuple[uuid.UUID, str], set[str]] = {}
        for channel_id, customer_id, twitter_id in wanted:
            asked.setdefault((channel_id, customer_id), set()).add(twitter_id)
        twitter_ids = sorted({twitter_id for _, _, twitter_id in wanted})
        found = await self._session.execute(_PREFETCH, {"pairs": pairs, "twitter_ids": twitter_ids})
        states = {(row.channel_id, row.customer_id): row for row in found}
        for key, ids in asked.items():
            row = states.get(key)
            self._prefetched[key] = Prefetched(
                state=None if row is None else rows.state(row),
                asked=frozenset(ids),
                known=frozenset(row.known_ids or ()) if row is not None else frozenset(),
            )

    def changing(self, keys: set[tuple[uuid.UUID, str]]) -> None:
        """These conversations have changes waiting: what was prefetched of them is old."""
        for key in keys:
            self._prefetched.pop(key, None)

    async def for_update_knowing(
        self, channel_id: uuid.UUID, customer_id: str, twitter_id: str
    ) -> tuple[Conversation | None, bool]:
        ready = self._prefetched.pop((channel_id, customer_id), None)
        if self._waiting(channel_id, customer_id):
            await self.flush()
        elif ready is not None and twitter_id in ready.asked:
            state = ready.state
            return (None if state is None else Conversation(state)), twitter_id in ready.known
        return await super().for_update_knowing(channel_id, customer_id, twitter_id)


@dataclass(frozen=True)
class Prefetched:
    state: State | None  # None: the customer has no conversation on the channel yet
    asked: frozenset[str]  # the Twitter ids asked about
    known: frozenset[str]  # those the conversation holds


def _flushing_first(name: str) -> Callable[..., Awaitable[Any]]:
    inner = getattr(ConversationRepository, name)

    async def method(self: DeferringRepository, *args: Any, **kwargs: Any) -> Any:
        await self.flush()
        return await inner(self, *args, **kwargs)

    method.__name__ = name
    return method


# Every other coroutine of the repository, today's and tomorrow's, flushes first.
for _name, _member in vars(ConversationRepository).items():
    if (
        inspect.iscoroutinefunction(_member)
        and not _name.startswith("_")
        and _name not in {"for_update_knowing", "write"}
    ):
        setattr(DeferringRepository, _name, _flushing_first(_name))


# Built once: it runs for every inbound message.
_FOR_UPDATE_KNOWING = (
    select(
        tables.conversations,
        select(_m.id)
        .where(_m.conversation_id == _c.id, _m.twitter_id == bindparam("twitter_id"))
        .exists()
        .label("known"),
    )
    .where(_c.channel_id == bindparam("channel_id"), _c.customer_id == bindparam("customer_id"))
    .with_for_update(of=tables.conversations)
)

# A batch's conversations (by channel and customer) locked, each with which of the batch's
# Twitter ids it holds already; the pairs and ids expand into one cached statement.
_PREFETCH = (
    select(
        tables.conversations,
        select(func.array_agg(_m.twitter_id))
        .where(
            _m.conversation_id == _c.id,
            _m.twitter_id.in_(bindparam("twitter_ids", expanding=True)),
        )
        .scalar_subquery()
        .label("known_ids"),
    )
    .where(tuple_(_c.channel_id, _c.customer_id).in_(bindparam("pairs", expanding=True)))
    .with_for_update(of=tables.conversations)
)

# Bulk writes: every row in one JSON parameter, turned into rows by PostgreSQL; the SQL is
# the same whatever the number of rows (one statement, one round trip, cached).
_STATE_COLUMNS = {
    "id": "uuid",
    "org_id": "uuid",
    "channel_id": "uuid",
    "customer_id": "text",
    "customer_screen_name": "text",
    "customer_name": "text",
    "status": "text",
    "owner_id": "uuid",
    "tags": "text[]",
    "topic_ids": "uuid[]",
    "created_at": "timestamptz",
    "last_activity_at": "timestamptz",
    "revision": "int",
    "updated_at": "timestamptz",
    "last_customer_kind": "text",
    "last_customer_tweet_id": "text",
}
_HISTORY_COLUMNS = (
    "conversation_id",
    "org_id",
    "channel_id",
    "revision",
    "type",
    "occurred_at",
    "actor_kind",
    "actor_id",
    "reason",
    "from_status",
    "to_status",
    "detail",
)


def _recordset(columns: dict[str, str]) -> str:
    kinds = ", ".join(f"{name} {kind}" for name, kind in columns.items())
    return (
        f"ROWS FROM (jsonb_to_recordset(CAST(:rows AS jsonb)) AS ({kinds})) "
        f"WITH ORDINALITY AS v({', '.join(columns)}, n)"
    )


_UPSERT = text(
    "INSERT INTO conversations ("  # noqa: S608 - constant SQL
    + ", ".join(_STATE_COLUMNS)
    + ") SELECT "
    + ", ".join(f"v.{name}" for name in _STATE_COLUMNS)
    + f" FROM {_recordset(_STATE_COLUMNS)} ORDER BY n"
    + " ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(
        f"{name} = EXCLUDED.{name}" for name in _STATE_COLUMNS if name not in ("id", "created_at")
    )
)


def _rows(values: Sequence[dict[str, Any]]) -> dict[str, str]:
    """The `:rows` parameter: the rows as a JSON array (ids and times as text). orjson: the
    standard encoder was a fifth of the sweep's time (see bench/)."""
    return {"rows": orjson.dumps(list(values), default=str).decode()}


def _rows_of_changes(conversations: Sequence[Conversation]) -> tuple[list[Any], ...]:
    """(messages added, messages changed, notes added, notes removed) as row values."""
    added: list[Any] = []
    changed: list[Any] = []
    notes: list[Any] = []
    removed_notes: list[Any] = []
    for conversation in conversations:
        cid = conversation.state.id
        for change, state in conversation.changes:
            match change:
                case MessageAdded(message):
                    added.append(rows.message_values(cid, message))
                case DeliveryChanged(message) | MessageDeleted(message):
                    changed.append(rows.message_values(cid, message))
                case NoteAdded(note):
                    notes.append(_note_values(cid, note))
                case NoteRemoved(note):
                    removed_notes.append({"note_id": note.id, "at": state.updated_at})
                case _:
                    pass
    return added, changed, notes, removed_notes


def _note_values(conversation_id: uuid.UUID, note: Note) -> dict[str, Any]:
    return {
        "id": note.id,
        "conversation_id": conversation_id,
        "author_user_id": note.author_user_id,
        "text": note.text,
        "created_at": note.created_at,
    }


_SNAPSHOT = {"conversation"}


def _history(event: Event[Any]) -> tuple[Any, ...]:
    """A history row, in `_HISTORY_COLUMNS`' order (COPY, as the outbox's events)."""
    # The snapshot is most of the payload and not kept in history: not dumped at all.
    payload = event.payload.model_dump(mode="json", exclude=_SNAPSHOT)
    return (
        event.subject.conversation_id,
        event.org_id,
        event.subject.channel_id,
        event.payload.conversation.revision,
        event.type,
        event.occurred_at,
        event.actor.kind.value,
        event.actor.id,
        payload.get("reason"),
        payload.get("from_status"),
        payload.get("to_status"),
        orjson.dumps(payload).decode(),
    )
