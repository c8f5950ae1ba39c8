"""Fixtures the end-to-end tests share: the whole system as separate processes (once per
session), conversation-svc alone as its own process (migrated, on a fresh database), and a
publisher on the test's topics."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from switchboard_platform.kafka.broker import EventPublisher, build_broker
from switchboard_platform.kafka.topics import ensure_topics
from switchboard_platform.settings import KafkaSettings
from switchboard_testing.processes import RunningService, free_port, run_once, service_process
from switchboard_testing.system import System, running_system
from switchboard_testing.traces import SpanCollector


@pytest.fixture
def start_conversation_svc(
    kafka_bootstrap_servers: str, topic_prefix: str, fresh_database_url: str, tmp_path: Path
) -> Callable[[], AbstractContextManager[RunningService]]:
    port = free_port()
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
        "KAFKA_TOPIC_PREFIX": topic_prefix,
        "DATABASE_URL": fresh_database_url,
        "SB_CONVERSATION_PORT": str(port),
        "SB_CONVERSATION_CONSUMER_GROUP": f"graceful-{uuid.uuid4().hex[:6]}",
        # The builders' tweets are from 2026-01-01: the auto-resolve sweep would (rightly)
        # resolve them once they are 30 days old; it is not what these tests are about.
        "SB_CONVERSATION_SWEEP_ENABLED": "false",
    }
    run_once("switchboard_conversation", "migrate", env=env)

    def start() -> AbstractContextManager[RunningService]:
        return service_process(
            "conversation-svc",
            "switchboard_conversation",
            "serve",
            port=port,
            env=env,
            log_dir=tmp_path,
        )

    return start


@pytest.fixture
async def publisher(
    kafka_bootstrap_servers: str, topic_prefix: str
) -> AsyncIterator[EventPublisher]:
    settings = KafkaSettings(bootstrap_servers=kafka_bootstrap_servers, topic_prefix=topic_prefix)
    broker = build_broker(settings, client_id="graceful-test")
    await broker.start()
    yield EventPublisher(broker, settings)
    await broker.stop()


@pytest.fixture(scope="session")
def span_collector() -> Iterator[SpanCollector]:
    collector = SpanCollector()
    yield collector
    collector.close()


@pytest.fixture(scope="session")
def system(
    kafka_bootstrap_servers: str,
    database_server_url: str,
    span_collector: SpanCollector,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[System]:
    """The whole system, started once per test session: the four services and the Twitter
    simulator as separate processes on free ports, fresh databases, and topics of its own
    (not the session's `topic_prefix`: its consumers would see the other e2e tests' events,
    and they its). Tests share it and stay apart by making their own organization and
    Twitter users. Its services export their traces to `span_collector`."""
    prefix = f"test-system-{uuid.uuid4().hex[:8]}."
    asyncio.run(ensure_topics(kafka_bootstrap_servers, prefix=prefix))
    with running_system(
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        topic_prefix=prefix,
        database_server_url=database_server_url,
        log_dir=tmp_path_factory.mktemp("system"),
        otlp_endpoint=span_collector.endpoint,
    ) as running:
        yield running


@pytest.fixture
def topic_prefix(kafka_bootstrap_servers: str) -> str:
    """Fresh catalogue topics for each of these tests (overrides the plugin's session-wide
    one): a service started with a new consumer group reads from the earliest offset, and
    must not first wade through every earlier test's events, which on a slow machine
    outlasts the tests' waits."""
    prefix = f"e2e-{uuid.uuid4().hex[:8]}."
    asyncio.run(ensure_topics(kafka_bootstrap_servers, prefix=prefix))
    return prefix
