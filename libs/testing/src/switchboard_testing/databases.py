"""A fresh, empty database per test module, so tests never see each other's rows."""

import time
import uuid

from psycopg.errors import InsufficientPrivilege
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ProgrammingError

from switchboard_platform.db.engine import normalise_url as normalise

# Autovacuum may be busy on a database a benchmark just filled for many seconds.
DROP_WITHIN_SECONDS = 120.0


def server_version(url: str) -> str:
    engine = create_engine(normalise(url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            return str(connection.scalar(text("SHOW server_version")))
    finally:
        engine.dispose()


def create_database(url: str, prefix: str = "sb_test") -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    _admin(url, f'CREATE DATABASE "{name}"')
    target: URL = make_url(normalise(url)).set(database=name)
    return target.render_as_string(hide_password=False)


def drop_database(url: str, database_url: str) -> None:
    name = make_url(database_url).database
    deadline = time.monotonic() + DROP_WITHIN_SECONDS
    pause = 0.2
    while True:
        try:
            _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except ProgrammingError as exc:
            # FORCE may not end a backend of another role: autovacuum, working on the
            # fresh tables, is one (for seconds after a bulk load). Wait for it; try again.
            if not isinstance(exc.orig, InsufficientPrivilege) or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 2.0)
        else:
            return


def _admin(url: str, statement: str) -> None:
    engine = create_engine(normalise(url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()
