"""Async SQLAlchemy engine and sessions on psycopg 3."""

import time
from typing import Any

import sqlalchemy.exc
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

# A pooled connection idle this long is pinged before it is used: a database restart or
# failover, or a proxy that dropped it meanwhile, is found then and the connection replaced,
# instead of failing the transaction. A connection in steady use is not pinged: pinging at
# every checkout (SQLAlchemy's `pool_pre_ping`) cost each transaction a round trip and
# ~250 us of CPU, a quarter of a short one's. A restart takes longer than this, so what a
# restart broke has been idle longer when it is next used.
PING_AFTER_IDLE_SECONDS = 1.0
_RETURNED_AT = "switchboard_returned_at"


def normalise_url(url: str) -> str:
    """Accept plain `postgresql://` URLs (as CloudNativePG writes them) and pick psycopg 3."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain) :]
    return url


def create_engine(
    url: str, *, pool_size: int = 5, ping_after_idle_seconds: float = PING_AFTER_IDLE_SECONDS
) -> AsyncEngine:
    engine = create_async_engine(normalise_url(url), pool_size=pool_size, pool_recycle=1800)
    _ping_when_idle(engine.sync_engine, ping_after_idle_seconds)
    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def _ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    dialect = engine.dialect

    def used(_: Any, record: ConnectionPoolEntry) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    def checkout(
        dbapi_connection: Any, record: ConnectionPoolEntry, _: PoolProxiedConnection
    ) -> None:
        if time.monotonic() - record.info.get(_RETURNED_AT, 0.0) < idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:
            # The pool drops this connection and checks out another (a new one if need be).
            raise sqlalchemy.exc.DisconnectionError(str(error)) from error

    event.listen(engine, "connect", used)  # a new connection has just been proven
    event.listen(engine, "checkin", used)
    event.listen(engine, "checkout", checkout)
