"""Intents to remove an account's webhook subscription, retried until done."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard_channel.adapters import tables


@dataclass(frozen=True)
class PendingUnsubscription:
    account_id: str
    attempts: int


class UnsubscriptionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def request(self, account_id: str, at: datetime) -> None:
        """Record (or make due again) the intent to remove the account's subscription."""
        u = tables.webhook_unsubscriptions
        statement = pg_insert(u).values(
            twitter_account_id=account_id, requested_at=at, attempts=0, not_before=at
        )
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[u.c.twitter_account_id],
                set_={"requested_at": at, "not_before": at},
            )
        )

    async def take_due(
        self, now: datetime, account_id: str | None = None
    ) -> PendingUnsubscription | None:
        """One due intent, locked for the transaction (others' locked ones skipped)."""
        u = tables.webhook_unsubscriptions.c
        query = select(u.twitter_account_id, u.attempts).where(u.not_before <= now)
        if account_id is not None:
            query = query.where(u.twitter_account_id == account_id)
        row = (
            await self._session.execute(
                query.order_by(u.not_before).limit(1).with_for_update(skip_locked=True)
            )
        ).first()
        return None if row is None else PendingUnsubscription(row.twitter_account_id, row.attempts)

    async def finish(self, account_id: str) -> None:
        u = tables.webhook_unsubscriptions
        await self._session.execute(delete(u).where(u.c.twitter_account_id == account_id))

    async def postpone(
        self, account_id: str, *, attempts: int, not_before: datetime, error: str
    ) -> None:
        u = tables.webhook_unsubscriptions
        await self._session.execute(
            update(u)
            .where(u.c.twitter_account_id == account_id)
            .values(attempts=attempts, not_before=not_before, last_error=error[:500])
        )
