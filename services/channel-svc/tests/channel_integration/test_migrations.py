"""The migrations build exactly the schema the code describes."""

from pathlib import Path

import pytest

from switchboard_channel import __main__ as cli
from switchboard_channel.adapters.tables import metadata
from switchboard_testing.migrations import schema_differences

pytestmark = pytest.mark.integration


def test_the_migrated_schema_matches_the_tables(fresh_database_url: str) -> None:
    migrations = Path(cli.__file__).parent / "migrations"
    assert schema_differences(migrations, metadata, fresh_database_url) == []
