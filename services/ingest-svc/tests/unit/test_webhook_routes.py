"""The HTTP edge with a fake publisher (no broker): status codes and nothing published."""

import json
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka.errors import KafkaConnectionError
from asgi_lifespan import LifespanManager

from switchboard_contracts.envelope import Event
from switchboard_contracts.topics import Topic
from switchboard_ingest.bootstrap import create_app
from switchboard_ingest.domain.signature import signature
from switchboard_ingest.settings import IngestSettings
from switchboard_platform.kafka.broker import OutgoingRecord

pytestmark = pytest.mark.unit
SECRET = "unit-secret"


class FakePublisher:
    def __init__(self) -> None:
        self.records: list[OutgoingRecord] = []
        self.fail = False

    def topic_name(self, topic: Topic) -> str:
        return topic.name

    async def publish(self, topic: Topic, event: Event[Any], *, key: str) -> None:
        raise AssertionError("not used by ingest")

    async def publish_batch(self, records: Sequence[OutgoingRecord]) -> None:
        if self.fail:
            raise KafkaConnectionError("broker down")
        self.records.extend(records)


@pytest.fixture
def publisher() -> FakePublisher:
    return FakePublisher()


@pytest.fixture
async def client(publisher: FakePublisher) -> AsyncIterator[httpx.AsyncClient]:
    settings = IngestSettings(twitter_consumer_secret=SECRET, max_body_bytes=64 * 1024)
    app = create_app(settings, publisher=publisher)
    async with (
        LifespanManager(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://ingest"
        ) as client,
    ):
        yield client


async def test_crc_answers_with_the_signed_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/webhooks/twitter", params={"crc_token": "abc"})
    assert response.status_code == 200
    assert response.json() == {"response_token": signature(SECRET, b"abc")}


async def test_crc_without_token_is_400_naming_the_field(client: httpx.AsyncClient) -> None:
    response = await client.get("/webhooks/twitter")
    assert response.status_code == 400
    assert response.json()["field"] == "crc_token"


async def test_signed_delivery_is_published_then_acknowledged(
    client: httpx.AsyncClient, publisher: FakePublisher, samples_dir: Path
) -> None:
    body = (samples_dir / "aaa_tweet_create_reply_mention.json").read_bytes()
    response = await client.post(
        "/webhooks/twitter",
        content=body,
        headers={"x-twitter-webhooks-signature": signature(SECRET, body)},
    )
    assert response.status_code == 200, response.text
    topics = [record.topic for record in publisher.records]
    assert topics == ["twitter.activity.v1", "twitter.webhooks.raw.v1"]
    assert publisher.records[0].key == "2975699229:1205290247124217856"
    raw = json.loads(publisher.records[1].value)
    assert raw["payload"]["body"] == body.decode()


@pytest.mark.parametrize("header", [None, "sha256=AAAA", signature("other-secret", b"{}")])
async def test_bad_signature_is_401_and_nothing_published(
    client: httpx.AsyncClient, publisher: FakePublisher, samples_dir: Path, header: str | None
) -> None:
    body = (samples_dir / "aaa_tweet_create_reply_mention.json").read_bytes()
    headers = {"x-twitter-webhooks-signature": header} if header else {}
    response = await client.post("/webhooks/twitter", content=body, headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_signature"
    assert publisher.records == []


@pytest.mark.parametrize("body", [b"not json", b"\xff\xfe", b"[]", b'{"for_user_id": "1"}'])
async def test_malformed_signed_body_is_400_and_nothing_published(
    client: httpx.AsyncClient, publisher: FakePublisher, body: bytes
) -> None:
    response = await client.post(
        "/webhooks/twitter",
        content=body,
        headers={"x-twitter-webhooks-signature": signature(SECRET, body)},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_delivery"
    assert publisher.records == []


async def test_oversized_body_is_413(client: httpx.AsyncClient, publisher: FakePublisher) -> None:
    body = b"{" + b" " * (64 * 1024) + b"}"
    response = await client.post(
        "/webhooks/twitter",
        content=body,
        headers={"x-twitter-webhooks-signature": signature(SECRET, body)},
    )
    assert response.status_code == 413
    assert publisher.records == []


async def test_broker_down_is_503_so_twitter_retries(
    client: httpx.AsyncClient, publisher: FakePublisher, samples_dir: Path
) -> None:
    publisher.fail = True
    body = (samples_dir / "aaa_tweet_create_reply_mention.json").read_bytes()
    response = await client.post(
        "/webhooks/twitter",
        content=body,
        headers={"x-twitter-webhooks-signature": signature(SECRET, body)},
    )
    assert response.status_code == 503
