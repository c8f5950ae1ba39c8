"""Checking that a service's migrations build exactly the schema its code describes."""

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, create_engine

from switchboard_platform.db.engine import normalise_url
from switchboard_platform.db.migrations import upgrade


def schema_differences(migrations: Path, metadata: MetaData, database_url: str) -> list[Any]:
    """Migrate the (empty) database to head; what still differs from `metadata` (types
    included). An empty list when migrations and tables agree."""
    upgrade(migrations, database_url)
    engine = create_engine(normalise_url(database_url))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()
