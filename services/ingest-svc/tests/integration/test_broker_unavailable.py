"""Kafka down, unreachable or not answering: the edge still starts, says so on /readyz,
and answers deliveries 503 within its deadline instead of hanging (Twitter then retries).
Real aiokafka clients against a refusing port, a silent port and the real broker."""

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from switchboard_ingest.bootstrap import create_app
from switchboard_ingest.domain.signature import signature
from switchboard_ingest.settings import IngestSettings
from switchboard_platform.settings import KafkaSettings
from switchboard_testing.processes import free_port

pytestmark = pytest.mark.integration
SECRET = "it-secret"


@asynccontextmanager
async def ingest(servers: str, prefix: str = "") -> AsyncIterator[httpx.AsyncClient]:
    settings = IngestSettings(
        twitter_consumer_secret=SECRET,
        kafka=KafkaSettings(bootstrap_servers=servers, topic_prefix=prefix),
        publish_timeout_seconds=1.0,
        kafka_probe_timeout_seconds=0.5,
    )
    app = create_app(settings)
    async with (
        LifespanManager(app, startup_timeout=5, shutdown_timeout=20),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://i") as client,
    ):
        yield client


async def deliver(client: httpx.AsyncClient, samples_dir: Path) -> tuple[httpx.Response, float]:
    body = (samples_dir / "aaa_tweet_create_reply_mention.json").read_bytes()
    started = time.monotonic()
    response = await client.post(
        "/webhooks/twitter",
        content=body,
        headers={"x-twitter-webhooks-signature": signature(SECRET, body)},
    )
    return response, time.monotonic() - started


async def test_refused_port_starts_unready_and_answers_503_at_once(samples_dir: Path) -> None:
    async with ingest(f"127.0.0.1:{free_port()}") as client:
        response, took = await deliver(client, samples_dir)
        assert response.status_code == 503
        assert "not connected" in response.json()["message"]
        assert took < 0.5
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["kafka"] == "failed"


async def test_silent_broker_answers_503_without_hanging(samples_dir: Path) -> None:
    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()
        writer.close()

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with ingest(f"127.0.0.1:{port}") as client:
            response, took = await deliver(client, samples_dir)
            assert response.status_code == 503
            assert took < 0.5
    finally:
        server.close()
        await server.wait_closed()


async def test_real_broker_that_cannot_ack_answers_503_within_the_deadline(
    kafka_bootstrap_servers: str, samples_dir: Path
) -> None:
    # Topics that do not exist (and are not auto-created): the producer waits for their
    # metadata for request_timeout_ms (15 s) unless the edge gives up first.
    async with ingest(kafka_bootstrap_servers, prefix="absent-topics.") as client:
        async with asyncio.timeout(10):
            while (await client.get("/readyz")).status_code != 200:
                await asyncio.sleep(0.1)
        response, took = await deliver(client, samples_dir)
        assert response.status_code == 503
        assert "no ack from Kafka within 1.0s" in response.json()["message"]
        assert 0.9 < took < 3
