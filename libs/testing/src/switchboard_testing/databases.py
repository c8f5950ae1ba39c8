"""A fresh, empty database per test module, so tests never see each other's rows."""

import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from switchboard_platform.db.engine import normalise_url as normalise


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
    _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin(url: str, statement: str) -> None:
    engine = create_engine(normalise(url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()
