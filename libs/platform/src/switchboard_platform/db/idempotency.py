"""The processed-event record that makes a consumer's effects happen once.

Call `first_delivery` inside the same transaction as the effect: a redelivered event
then finds its record and is skipped, and a crash before commit leaves neither.
"""

import uuid

from sqlalchemy import Column, DateTime, MetaData, String, Table, Uuid, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession


def processed_events_table(metadata: MetaData) -> Table:
    return Table(
        "processed_events",
        metadata,
        Column("consumer", String(100), primary_key=True),
        Column("event_id", Uuid, primary_key=True),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


async def first_delivery(
    session: AsyncSession, table: Table, *, consumer: str, event_id: uuid.UUID
) -> bool:
    statement = (
        insert(table)
        .values(consumer=consumer, event_id=event_id)
        .on_conflict_do_nothing()
        .returning(table.c.event_id)
    )
    return (await session.execute(statement)).first() is not None
