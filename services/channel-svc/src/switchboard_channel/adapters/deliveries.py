"""Requested replies' deliveries, by message id (see `domain.delivery`)."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard_channel.adapters import tables
from switchboard_channel.domain.delivery import Delivery, DeliveryState


class DeliveryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, message_id: uuid.UUID) -> Delivery | None:
        d = tables.deliveries.c
        row = (
            await self._session.execute(
                select(tables.deliveries).where(d.message_id == message_id).with_for_update()
            )
        ).first()
        if row is None:
            return None
        return Delivery(
            message_id=row.message_id,
            state=DeliveryState(row.state),
            attempts=row.attempts,
            not_before=row.not_before,
            sending_since=row.sending_since,
            reconcile_until=row.reconcile_until,
        )

    async def add(
        self,
        *,
        message_id: uuid.UUID,
        org_id: uuid.UUID,
        channel_id: uuid.UUID,
        conversation_id: uuid.UUID,
        at: datetime,
    ) -> None:
        await self._session.execute(
            insert(tables.deliveries).values(
                message_id=message_id,
                org_id=org_id,
                channel_id=channel_id,
                conversation_id=conversation_id,
                state=DeliveryState.PENDING.value,
                attempts=0,
                created_at=at,
                updated_at=at,
            )
        )

    async def update(self, message_id: uuid.UUID, at: datetime, **values: Any) -> None:
        await self._session.execute(
            update(tables.deliveries)
            .where(tables.deliveries.c.message_id == message_id)
            .values(updated_at=at, **values)
        )

    async def record_sent(self, message_id: uuid.UUID, at: datetime, twitter_id: str) -> bool:
        """Mark the delivery sent with `twitter_id`; False, changing nothing, when that id
        is already another delivery's (the unique index decides, also between concurrent
        transactions: the later one waits for the earlier and then fails here)."""
        try:
            async with self._session.begin_nested():
                await self.update(
                    message_id, at, state=DeliveryState.SENT.value, twitter_id=twitter_id
                )
        except IntegrityError:
            return False
        return True

    async def claimed_twitter_ids(self, twitter_ids: Sequence[str]) -> frozenset[str]:
        """Which of these Twitter ids are already a delivery's."""
        if not twitter_ids:
            return frozenset()
        d = tables.deliveries.c
        rows = await self._session.scalars(
            select(d.twitter_id).where(d.twitter_id.in_(twitter_ids))
        )
        return frozenset(rows)
