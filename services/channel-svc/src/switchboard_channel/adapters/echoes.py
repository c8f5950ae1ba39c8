"""The account's own messages seen on its webhook: what reconciles an interrupted send."""

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard_channel.adapters import tables
from switchboard_channel.domain.echoes import Echo
from switchboard_contracts.enums import MessageKind


class EchoRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, echo: Echo) -> None:
        """Idempotent: an echo delivered again is kept once."""
        await self._session.execute(
            pg_insert(tables.echoes)
            .values(
                account_id=echo.account_id,
                twitter_id=echo.twitter_id,
                kind=echo.kind.value,
                target=echo.target,
                text=echo.text,
                created_at=echo.created_at,
            )
            .on_conflict_do_nothing()
        )

    async def since(
        self, account_id: str, kind: MessageKind, target: str, since: datetime
    ) -> list[Echo]:
        e = tables.echoes.c
        rows = await self._session.execute(
            select(tables.echoes)
            .where(
                e.account_id == account_id,
                e.kind == kind.value,
                e.target == target,
                e.created_at >= since,
            )
            .order_by(e.created_at)
        )
        return [
            Echo(
                account_id=row.account_id,
                twitter_id=row.twitter_id,
                kind=MessageKind(row.kind),
                target=row.target,
                text=row.text,
                created_at=row.created_at,
            )
            for row in rows
        ]

    async def prune(self, before: datetime) -> int:
        result = await self._session.execute(
            delete(tables.echoes).where(tables.echoes.c.created_at < before)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
