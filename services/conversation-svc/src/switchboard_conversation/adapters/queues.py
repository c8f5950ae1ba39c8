"""Read side: queues (filtered, sorted, cursor-paginated) and one conversation in full."""

import base64
import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ARRAY, Select, Uuid, and_, cast, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard_conversation.adapters import tables
from switchboard_conversation.adapters.reports import Report, channel_report
from switchboard_conversation.domain.queues import QueueFilter

_c = tables.conversations.c


class InvalidCursorError(ValueError):
    pass


async def queue(
    session: AsyncSession, org_id: uuid.UUID, me: uuid.UUID, query: QueueFilter
) -> tuple[list[Any], str | None]:
    where = [_c.org_id == org_id]
    if query.conversation_id is not None:
        where.append(_c.id == query.conversation_id)
    if query.status is not None:
        where.append(_c.status == query.status.value)
    if query.owner == "me":
        where.append(_c.owner_id == me)
    elif query.owner == "nobody":
        where.append(_c.owner_id.is_(None))
    elif query.owner == "someone":
        where.append(_c.owner_id.is_not(None))
    if query.tag is not None:
        where.append(_c.tags.contains([query.tag]))
    if query.topic_id is not None:
        where.append(_c.topic_ids.contains([query.topic_id]))
    newest = query.sort == "newest"
    if query.cursor is not None:
        at, last_id = _decode(query.cursor)
        if newest:
            where.append(
                or_(_c.last_activity_at < at, and_(_c.last_activity_at == at, _c.id < last_id))
            )
        else:
            where.append(
                or_(_c.last_activity_at > at, and_(_c.last_activity_at == at, _c.id > last_id))
            )
    found = list((await session.execute(_page(query, where, newest=newest))).all())
    page, more = found[: query.limit], len(found) > query.limit
    cursor = _encode(page[-1].last_activity_at, page[-1].id) if more and page else None
    return page, cursor


def _page(query: QueueFilter, where: list[Any], *, newest: bool) -> Select[Any]:
    """One channel: its page straight from the queue index. Several: each channel's page
    (the index again, `limit + 1` rows at most), then the best of those. One ordered scan
    over all of them cannot use the index's order, and read and sorted every match: the
    New queue across 20 channels of 1,000,000 conversations took 136 ms at p99."""
    limit = query.limit + 1
    channels = list(query.channel_ids)

    def ordered(c: Any) -> tuple[Any, Any]:
        if newest:
            return c.last_activity_at.desc(), c.id.desc()
        return c.last_activity_at, c.id

    if len(channels) == 1:
        return (
            select(tables.conversations)
            .where(_c.channel_id == channels[0], *where)
            .order_by(*ordered(_c))
            .limit(limit)
        )
    wanted = func.unnest(cast(channels, ARRAY(Uuid))).table_valued("channel_id").render_derived()
    per_channel = (
        select(tables.conversations)
        .where(_c.channel_id == wanted.c.channel_id, *where)
        .order_by(*ordered(_c))
        .limit(limit)
        .lateral()
    )
    return (
        select(per_channel)
        .select_from(wanted)
        .join(per_channel, true())
        .order_by(*ordered(per_channel.c))
        .limit(limit)
    )


async def detail(
    session: AsyncSession, conversation_id: uuid.UUID
) -> tuple[list[Any], list[Any], list[Any]]:
    """Messages, notes and history of one conversation, oldest first."""
    m, n, h = tables.messages.c, tables.notes.c, tables.history.c
    messages = await session.execute(
        select(tables.messages)
        .where(m.conversation_id == conversation_id)
        .order_by(m.created_at, m.id)
    )
    notes = await session.execute(
        select(tables.notes)
        .where(n.conversation_id == conversation_id, n.removed_at.is_(None))
        .order_by(n.created_at)
    )
    history = await session.execute(
        select(tables.history).where(h.conversation_id == conversation_id).order_by(h.revision)
    )
    return list(messages.all()), list(notes.all()), list(history.all())


def _encode(at: datetime, conversation_id: uuid.UUID) -> str:
    raw = json.dumps([at.isoformat(), str(conversation_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _decode(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        at, conversation_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return datetime.fromisoformat(at), uuid.UUID(conversation_id)
    except (ValueError, TypeError) as exc:
        raise InvalidCursorError("not a cursor this API gave out") from exc


class Reads:
    """The read side on the unit of work's session: a conversation's channel, queues, one
    conversation in full, a channel's report."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def channel_of(self, org_id: uuid.UUID, conversation_id: uuid.UUID) -> uuid.UUID | None:
        channel_id = await self._session.scalar(
            select(_c.channel_id).where(_c.org_id == org_id, _c.id == conversation_id)
        )
        return None if channel_id is None else uuid.UUID(str(channel_id))

    async def queue(
        self, org_id: uuid.UUID, me: uuid.UUID, query: QueueFilter
    ) -> tuple[list[Any], str | None]:
        return await queue(self._session, org_id, me, query)

    async def detail(self, conversation_id: uuid.UUID) -> tuple[list[Any], list[Any], list[Any]]:
        return await detail(self._session, conversation_id)

    async def report(
        self, org_id: uuid.UUID, channel_id: uuid.UUID, start: datetime, end: datetime
    ) -> Report:
        return await channel_report(self._session, org_id, channel_id, start, end)
