"""access-svc's view of channels, kept from `channels.v1` snapshots."""

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard_access.adapters import tables
from switchboard_access.domain.model import Channel
from switchboard_contracts.enums import ChannelStatus

_c = tables.channels.c


class Channels:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(
        self, org_id: uuid.UUID, channel_id: uuid.UUID, *, for_update: bool = False
    ) -> Channel | None:
        statement = select(tables.channels).where(_c.org_id == org_id, _c.id == channel_id)
        if for_update:
            statement = statement.with_for_update()
        row = (await self._session.execute(statement)).first()
        return None if row is None else _channel(row)

    async def in_org(self, org_id: uuid.UUID) -> list[Channel]:
        rows = await self._session.execute(
            select(tables.channels).where(_c.org_id == org_id).order_by(_c.display_name, _c.id)
        )
        return [_channel(row) for row in rows]

    async def org_of(self, channel_id: uuid.UUID) -> uuid.UUID | None:
        """The organization a channel id belongs to, whichever it is (for the consumer)."""
        return await self._session.scalar(select(_c.org_id).where(_c.id == channel_id))

    async def save_if_newer(self, channel: Channel, updated_at: Any) -> bool:
        """Store `channel` unless a newer or equal revision is stored; say whether it was."""
        values = {
            "id": channel.id,
            "org_id": channel.org_id,
            "display_name": channel.display_name,
            "status": channel.status.value,
            "revision": channel.revision,
            "updated_at": updated_at,
        }
        statement = (
            insert(tables.channels)
            .values(values)
            .on_conflict_do_update(
                index_elements=["id"],
                set_=values,
                where=(_c.revision < channel.revision) & (_c.org_id == channel.org_id),
            )
            .returning(_c.id)
        )
        return (await self._session.execute(statement)).first() is not None


def _channel(row: Any) -> Channel:
    return Channel(
        id=row.id,
        org_id=row.org_id,
        display_name=row.display_name,
        status=ChannelStatus(row.status),
        revision=row.revision,
    )
