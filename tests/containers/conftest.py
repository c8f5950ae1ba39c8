"""The whole system from the images `make images` built (scripts/test.sh builds them and
exports their names), started once for this folder with switchboard-testcontainers."""

from collections.abc import Iterator

import pytest

from switchboard_testcontainers import Switchboard


@pytest.fixture(scope="session")
def switchboard() -> Iterator[Switchboard]:
    # The auto-resolve sweep on, as in production: the demo's story does not depend on it.
    with Switchboard(sweep_enabled=True) as running:
        yield running
