"""Bulk inserts with COPY against real PostgreSQL: rows land in the order given, inside
the session's transaction, and the driver's errors surface as SQLAlchemy's."""

import uuid
from collections.abc import AsyncIterator

import pytest
import sqlalchemy.exc
from sqlalchemy import BigInteger, Column, Identity, MetaData, Table, Text, Uuid, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncEngine

from switchboard_platform.db.copy import copy_rows
from switchboard_platform.db.engine import create_engine, session_factory

pytestmark = pytest.mark.integration

metadata = MetaData()
things = Table(
    "copied_things",
    metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("ref", Uuid, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("detail", JSONB, nullable=True),
)
COLUMNS = ("ref", "name", "detail")


@pytest.fixture
async def engine(fresh_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(fresh_database_url)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


async def test_rows_land_in_order_with_the_transaction(engine: AsyncEngine) -> None:
    refs = [uuid.uuid4() for _ in range(500)]
    rows = [(ref, f"tab\there, line\nthere {n}", f'{{"n": {n}}}') for n, ref in enumerate(refs)]
    async with session_factory(engine)() as session:
        await copy_rows(session, things.name, COLUMNS, rows)
        await session.rollback()  # nothing stays of a transaction that did not commit
    async with session_factory(engine)() as session:
        assert (await session.execute(select(things.c.id))).first() is None
        await copy_rows(session, things.name, COLUMNS, rows)
        await copy_rows(session, things.name, COLUMNS, [(uuid.uuid4(), "null detail", None)])
        await session.commit()
    async with session_factory(engine)() as session:
        stored = (await session.execute(select(things).order_by(things.c.id))).all()
    assert [row.ref for row in stored[:500]] == refs
    assert stored[7].name == "tab\there, line\nthere 7"  # COPY's own escaping, not ours
    assert stored[7].detail == {"n": 7}
    assert stored[500].detail is None


async def test_a_violated_constraint_is_sqlalchemys_integrity_error_and_nothing_is_kept(
    engine: AsyncEngine,
) -> None:
    ref = uuid.uuid4()
    async with session_factory(engine)() as session:
        with pytest.raises(sqlalchemy.exc.IntegrityError, match="copied_things"):
            await copy_rows(session, things.name, COLUMNS, [(ref, "a", None), (ref, "b", None)])
        await session.rollback()
    async with session_factory(engine)() as session:
        assert (await session.execute(select(things.c.id))).first() is None


async def test_a_lost_connection_is_sqlalchemys_operational_error(engine: AsyncEngine) -> None:
    """What consumers retry as transient (a database restart in the middle of a batch)."""
    async with session_factory(engine)() as session:
        connection = await session.connection()
        pid = (await connection.exec_driver_sql("SELECT pg_backend_pid()")).scalar_one()
        async with engine.connect() as other:
            await other.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
        with pytest.raises(sqlalchemy.exc.OperationalError):
            await copy_rows(session, things.name, COLUMNS, [(uuid.uuid4(), "a", None)])
        await session.rollback()  # the lost connection was dropped: nothing to roll back
    async with session_factory(engine)() as session:  # the pool gives a working one
        assert (await session.execute(select(things.c.id))).first() is None
