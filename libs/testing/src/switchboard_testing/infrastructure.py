"""Where the tests' Kafka and PostgreSQL come from, in this order:

1. `KAFKA_BOOTSTRAP_SERVERS` / `DATABASE_URL` from the environment (what `make test` sets
   after starting them with `deploy/infra.sh`);
2. Testcontainers, when a Docker engine answers: Switchboard's own test images when
   `SB_KAFKA_IMAGE` / `SB_POSTGRES_IMAGE` name them (`make images`; they need no registry),
   else public images from Docker Hub;
3. otherwise the test fails, saying how to start them. Never a silent skip.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

HOW_TO_START = (
    "Start the local infrastructure with `make infra` (or `deploy/infra.sh up`) and export "
    "what `deploy/infra.sh env` prints, or set {var} to an existing server, or run where a "
    "Docker engine is available."
)


class InfrastructureUnavailableError(RuntimeError):
    pass


def docker_available() -> bool:
    try:
        import docker  # noqa: PLC0415 - only where Docker may exist

        client = docker.from_env(timeout=3)
        return bool(client.ping())
    except Exception:  # noqa: BLE001 - any failure means no usable engine
        return False


@contextmanager
def kafka_bootstrap_servers() -> Iterator[str]:
    configured = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if configured:
        yield configured
        return
    if not docker_available():
        raise InfrastructureUnavailableError(
            "No Kafka: KAFKA_BOOTSTRAP_SERVERS is not set and no Docker engine answers. "
            + HOW_TO_START.format(var="KAFKA_BOOTSTRAP_SERVERS")
        )
    image = os.environ.get("SB_KAFKA_IMAGE")
    if image:
        from switchboard_testcontainers.system import free_port, start_kafka  # noqa: PLC0415

        port = free_port()
        ours = start_kafka(image, port, free_port())
        try:
            yield f"127.0.0.1:{port}"
        finally:
            ours.stop()
        return
    from testcontainers.kafka import KafkaContainer  # noqa: PLC0415

    container: Any = KafkaContainer("confluentinc/cp-kafka:7.9.0").with_kraft()
    with container:
        yield str(container.get_bootstrap_server())


@contextmanager
def database_url() -> Iterator[str]:
    configured = os.environ.get("DATABASE_URL")
    if configured:
        yield configured
        return
    if not docker_available():
        raise InfrastructureUnavailableError(
            "No PostgreSQL: DATABASE_URL is not set and no Docker engine answers. "
            + HOW_TO_START.format(var="DATABASE_URL")
        )
    image = os.environ.get("SB_POSTGRES_IMAGE")
    if image:
        from switchboard_testcontainers.system import (  # noqa: PLC0415
            free_port,
            postgres_url,
            start_postgres,
        )

        port = free_port()
        ours = start_postgres(image, port)
        try:
            yield postgres_url(port)
        finally:
            ours.stop()
        return
    from testcontainers.postgres import PostgresContainer  # noqa: PLC0415

    container: Any = PostgresContainer("postgres:15", driver="psycopg")
    with container:
        yield str(container.get_connection_url())
