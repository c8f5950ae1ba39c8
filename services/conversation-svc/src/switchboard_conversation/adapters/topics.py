"""The organization's list of topics (kept by its admins)."""

import uuid

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard_conversation.adapters import tables
from switchboard_conversation.domain.topics import Topic

_t = tables.topics.c


class TopicRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def list(self, org_id: uuid.UUID) -> list[Topic]:
        result = await self._session.execute(
            select(_t.id, _t.name, _t.created_at).where(_t.org_id == org_id).order_by(_t.name)
        )
        return [Topic(row.id, row.name, row.created_at) for row in result]

    async def exists(self, org_id: uuid.UUID, topic_id: uuid.UUID) -> bool:
        found = await self._session.scalar(
            select(_t.id).where(_t.org_id == org_id, _t.id == topic_id)
        )
        return found is not None

    async def add(self, org_id: uuid.UUID, topic: Topic) -> bool:
        """False when the organization has a topic of that name already."""
        result = await self._session.execute(
            insert(tables.topics)
            .values(id=topic.id, org_id=org_id, name=topic.name, created_at=topic.created_at)
            .on_conflict_do_nothing()
            .returning(_t.id)
        )
        return result.first() is not None

    async def remove(self, org_id: uuid.UUID, topic_id: uuid.UUID) -> bool:
        result = await self._session.execute(
            delete(tables.topics).where(_t.org_id == org_id, _t.id == topic_id).returning(_t.id)
        )
        return result.first() is not None
