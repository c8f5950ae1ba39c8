"""The migrations build exactly the schema the code describes."""

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from switchboard_access import __main__ as cli
from switchboard_access.adapters.tables import metadata
from switchboard_platform.db.engine import normalise_url
from switchboard_platform.db.migrations import upgrade

pytestmark = pytest.mark.integration


def test_the_migrated_schema_matches_the_tables(fresh_database_url: str) -> None:
    upgrade(Path(cli.__file__).parent / "migrations", fresh_database_url)
    engine = create_engine(normalise_url(fresh_database_url))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()
