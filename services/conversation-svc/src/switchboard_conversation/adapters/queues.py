"""Read side: queues (filtered, sorted, cursor-paginated) and one conversation in full."""

import base64
import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
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
    where = [_c.org_id == org_id, _c.channel_id.in_(list(query.channel_ids))]
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
    order = (_c.last_activity_at.desc(), _c.id.desc()) if newest else (_c.last_activity_at, _c.id)
    statement = select(tables.conversations).where(*where).order_by(*order).limit(query.limit + 1)
    found = list((await session.execute(statement)).all())
    page, more = found[: query.limit], len(found) > query.limit
    cursor = _encode(page[-1].last_activity_at, page[-1].id) if more and page else None
    return page, cursor


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
