"""Every stored ciphertext, by column name: what the re-encryption job rotates."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard_channel.adapters import tables


class CiphertextRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def keys(
        self,
        name: str,
        *,
        after: Any = None,
        among: Sequence[Any] | None = None,
        limit: int | None = None,
    ) -> list[Any]:
        """The keys of the rows holding ciphertext in the column `name` (one of
        `tables.ENCRYPTED_COLUMN_NAMES`), in key order (no lock)."""
        key, column = tables.ENCRYPTED_BY_NAME[name]
        query = select(key).where(column.is_not(None)).order_by(key).limit(limit)
        if after is not None:
            query = query.where(key > after)
        if among is not None:
            query = query.where(key.in_(among))
        return list((await self._session.scalars(query)).all())

    async def lock(self, name: str, keys: Sequence[Any]) -> list[tuple[Any, bytes]]:
        """Those rows' ciphertexts, locked for the transaction; rows another transaction
        holds are skipped (the caller comes back for them)."""
        key, column = tables.ENCRYPTED_BY_NAME[name]
        rows = await self._session.execute(
            select(key, column)
            .where(key.in_(keys), column.is_not(None))
            .order_by(key)
            .with_for_update(skip_locked=True)
        )
        return [(row[0], bytes(row[1])) for row in rows]

    async def store(self, name: str, row_key: Any, value: bytes) -> None:
        key, column = tables.ENCRYPTED_BY_NAME[name]
        await self._session.execute(
            update(column.table).where(key == row_key).values({column.name: value})
        )
