"""The engine's pooled connections against real PostgreSQL: one idle past
`ping_after_idle_seconds` is pinged before use, and replaced unseen when the server ended
it; one in steady use is not pinged."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import sqlalchemy.exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from switchboard_platform.db.engine import create_engine

pytestmark = pytest.mark.integration

IDLE = 0.3


async def backend_pid(engine: AsyncEngine) -> int:
    async with engine.begin() as connection:
        return int(await connection.scalar(text("SELECT pg_backend_pid()")))


async def terminate(url: str, pid: int) -> None:
    other = create_engine(url)
    try:
        async with other.begin() as connection:
            assert await connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        await other.dispose()


@pytest.fixture
async def pings(fresh_database_url: str) -> AsyncIterator[tuple[AsyncEngine, list[object]]]:
    engine = create_engine(fresh_database_url, pool_size=1, ping_after_idle_seconds=IDLE)
    dialect = engine.sync_engine.dialect
    pinged: list[object] = []
    ping = dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        pinged.append(dbapi_connection)
        return ping(dbapi_connection)

    dialect.do_ping = counted  # type: ignore[method-assign]
    yield engine, pinged
    await engine.dispose()


async def test_a_connection_in_steady_use_is_not_pinged_and_an_idle_one_is(
    pings: tuple[AsyncEngine, list[object]],
) -> None:
    engine, pinged = pings
    first = await backend_pid(engine)  # a new connection: just proven
    for _ in range(20):
        assert await backend_pid(engine) == first
    assert pinged == []
    await asyncio.sleep(IDLE + 0.2)
    assert await backend_pid(engine) == first
    assert len(pinged) == 1


async def test_a_connection_the_server_ended_while_idle_is_replaced_unseen(
    pings: tuple[AsyncEngine, list[object]], fresh_database_url: str
) -> None:
    engine, pinged = pings
    first = await backend_pid(engine)
    await terminate(fresh_database_url, first)  # as a database restart would
    await asyncio.sleep(IDLE + 0.2)
    second = await backend_pid(engine)  # no error: the ping found it and the pool replaced it
    assert second != first
    assert len(pinged) == 1


async def test_without_the_ping_the_ended_connection_fails_one_transaction(
    fresh_database_url: str,
) -> None:
    """What the ping spares a caller (and what a connection ended within the idle window
    costs: one transaction, after which the pool has replaced its connections)."""
    engine = create_engine(fresh_database_url, pool_size=1, ping_after_idle_seconds=3600)
    try:
        first = await backend_pid(engine)
        await terminate(fresh_database_url, first)
        with pytest.raises(sqlalchemy.exc.OperationalError):
            await backend_pid(engine)
        assert await backend_pid(engine) != first
    finally:
        await engine.dispose()
