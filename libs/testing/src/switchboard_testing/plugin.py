"""The pytest plugin (entry point `switchboard`): real infrastructure as fixtures, and the
Twitter sample deliveries (`samples_dir`, `load_sample`).

Fixtures fail loudly, with the way to start what is missing, when a test needs Kafka or
PostgreSQL and neither the environment nor Docker provides it.
"""

import asyncio
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from switchboard_platform.kafka.topics import ensure_topics
from switchboard_testing import databases, infrastructure, twitter_samples


def pytest_report_header(config: pytest.Config) -> list[str]:
    del config
    lines = []
    kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if kafka:
        version = os.environ.get("SB_KAFKA_VERSION", "version not reported")
        lines.append(f"kafka: Apache Kafka {version} at {kafka}")
    database = os.environ.get("DATABASE_URL")
    if database:
        try:
            lines.append(f"postgresql: {databases.server_version(database)}")
        except Exception as exc:  # noqa: BLE001 - a header must not crash the run
            lines.append(f"postgresql: unreachable ({type(exc).__name__})")
    return lines


@pytest.fixture(scope="session")
def kafka_bootstrap_servers() -> Iterator[str]:
    try:
        with infrastructure.kafka_bootstrap_servers() as servers:
            yield servers
    except infrastructure.InfrastructureUnavailableError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def database_server_url() -> Iterator[str]:
    try:
        with infrastructure.database_url() as url:
            yield url
    except infrastructure.InfrastructureUnavailableError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture
def fresh_database_url(database_server_url: str) -> Iterator[str]:
    """A new, empty database for one test, dropped afterwards."""
    url = databases.create_database(database_server_url)
    yield url
    databases.drop_database(database_server_url, url)


@pytest.fixture(scope="session")
def topic_prefix(kafka_bootstrap_servers: str) -> str:
    """A namespace of catalogue topics for this test session, created on the broker."""
    prefix = f"test-{uuid.uuid4().hex[:8]}."
    asyncio.run(ensure_topics(kafka_bootstrap_servers, prefix=prefix))
    return prefix


KINDS = ("unit", "integration", "e2e", "containers")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test says what it needs: exactly one of the kinds, so `-m unit` means something."""
    del config
    unmarked = [
        item.nodeid
        for item in items
        if sum(item.get_closest_marker(kind) is not None for kind in KINDS) != 1
    ]
    if unmarked:
        raise pytest.UsageError(
            "tests need exactly one of the markers "
            + ", ".join(KINDS)
            + ": "
            + ", ".join(unmarked[:20])
        )


@pytest.fixture
def samples_dir() -> Path:
    """The folder of Twitter sample deliveries (`switchboard_testing.twitter_samples`)."""
    return twitter_samples.SAMPLES_DIR


@pytest.fixture
def load_sample() -> Callable[[str], Any]:
    """Loads a Twitter sample delivery by file name, as parsed JSON (a fresh copy each call)."""
    return twitter_samples.load_sample
