"""The HTTP edge with a fake publisher (no broker): status codes, nothing published for a
refused body, and property-based fuzzing that no body ever gets a 500."""

import asyncio
import json
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka.errors import KafkaConnectionError
from asgi_lifespan import LifespanManager
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from switchboard_contracts.envelope import Event
from switchboard_contracts.topics import Topic
from switchboard_ingest.bootstrap import create_app
from switchboard_ingest.domain.signature import signature
from switchboard_ingest.settings import IngestSettings
from switchboard_platform.kafka.broker import OutgoingRecord
from switchboard_testing.twitter_samples import sample_files

pytestmark = pytest.mark.unit
SECRET = "unit-secret"
MAX_BODY = 64 * 1024
PUBLISH_TIMEOUT = 0.3


class FakePublisher:
    def __init__(self) -> None:
        self.records: list[OutgoingRecord] = []
        self.fail = False
        self.hang = False

    def topic_name(self, topic: Topic) -> str:
        return topic.name

    async def publish(self, topic: Topic, event: Event[Any], *, key: str) -> None:
        raise AssertionError("not used by ingest")

    async def publish_batch(self, records: Sequence[OutgoingRecord]) -> None:
        if self.fail:
            raise KafkaConnectionError("broker down")
        if self.hang:
            await asyncio.sleep(3600)  # a broker that never acknowledges
        self.records.extend(records)


@dataclass
class Edge:
    client: httpx.AsyncClient
    publisher: FakePublisher

    async def post(self, body: bytes, *, secret: str | None = SECRET) -> httpx.Response:
        headers = {"x-twitter-webhooks-signature": signature(secret, body)} if secret else {}
        return await self.client.post("/webhooks/twitter", content=body, headers=headers)


async def _edge() -> AsyncIterator[Edge]:
    publisher = FakePublisher()
    settings = IngestSettings(
        twitter_consumer_secret=SECRET,
        max_body_bytes=MAX_BODY,
        publish_timeout_seconds=PUBLISH_TIMEOUT,
    )
    app = create_app(settings, publisher=publisher)
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ingest") as c,
    ):
        yield Edge(c, publisher)


@pytest.fixture
async def edge() -> AsyncIterator[Edge]:
    async for running in _edge():
        yield running


@pytest.fixture(scope="module")
async def shared_edge() -> AsyncIterator[Edge]:
    """One app for a whole module: what hypothesis tests use (fixtures are not reset
    between examples, so each example clears the fake publisher itself)."""
    async for running in _edge():
        yield running


async def test_crc_answers_with_the_signed_token(edge: Edge) -> None:
    response = await edge.client.get("/webhooks/twitter", params={"crc_token": "abc"})
    assert response.status_code == 200
    assert response.json() == {"response_token": signature(SECRET, b"abc")}


async def test_crc_without_token_is_400_naming_the_field(edge: Edge) -> None:
    response = await edge.client.get("/webhooks/twitter")
    assert response.status_code == 400
    assert response.json()["field"] == "crc_token"


async def test_signed_delivery_is_published_then_acknowledged(
    edge: Edge, samples_dir: Path
) -> None:
    body = (samples_dir / "aaa_tweet_create_reply_mention.json").read_bytes()
    response = await edge.post(body)
    assert response.status_code == 200, response.text
    topics = [record.topic for record in edge.publisher.records]
    assert topics == ["twitter.activity.v1", "twitter.webhooks.raw.v1"]
    assert edge.publisher.records[0].key == "2975699229:1205290247124217856"
    event = json.loads(edge.publisher.records[0].value)
    assert response.json() == {"accepted": True, "events": 1, "event_ids": [event["event_id"]]}
    raw = json.loads(edge.publisher.records[1].value)
    assert raw["payload"]["body"] == body.decode()
    assert raw["payload"]["event_ids"] == [event["event_id"]]


async def test_a_redelivered_body_publishes_byte_identical_events(
    edge: Edge, samples_dir: Path
) -> None:
    """Twitter redelivers when it saw no 200 (we may have published and crashed): the same
    body must give the same events, byte for byte, so an event id never names two contents.
    Only the raw record is new (it records one receipt)."""
    body = (samples_dir / "aaa_tweet_create_reply_mention.json").read_bytes()
    for _ in range(2):
        assert (await edge.post(body)).status_code == 200
    first, raw_1, second, raw_2 = edge.publisher.records
    assert first.value == second.value
    assert json.loads(raw_1.value)["event_id"] != json.loads(raw_2.value)["event_id"]
    assert json.loads(raw_1.value)["correlation_id"] == json.loads(first.value)["correlation_id"]


async def test_a_delivery_that_becomes_no_event_still_keeps_the_raw_record(
    edge: Edge, samples_dir: Path
) -> None:
    body = (samples_dir / "aaa_direct_message_indicate_typing.json").read_bytes()
    response = await edge.post(body)
    assert response.status_code == 200
    assert response.json()["events"] == 0
    assert [r.topic for r in edge.publisher.records] == ["twitter.webhooks.raw.v1"]


@pytest.mark.parametrize("secret", [None, "other-secret"])
async def test_bad_signature_is_401_and_nothing_published(
    edge: Edge, samples_dir: Path, secret: str | None
) -> None:
    body = (samples_dir / "aaa_tweet_create_reply_mention.json").read_bytes()
    response = await edge.post(body, secret=secret)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_signature"
    assert edge.publisher.records == []


async def test_signature_of_other_bytes_is_401(edge: Edge, samples_dir: Path) -> None:
    body = (samples_dir / "aaa_tweet_create_reply_mention.json").read_bytes()
    headers = {"x-twitter-webhooks-signature": signature(SECRET, body + b" ")}
    response = await edge.client.post("/webhooks/twitter", content=body, headers=headers)
    assert response.status_code == 401
    assert edge.publisher.records == []


@pytest.mark.parametrize(
    "body",
    [b"not json", b"\xff\xfe", b"[]", b'{"for_user_id": "1"}', b"[" * 60_000, b'"\\ud800"'],
)
async def test_malformed_signed_body_is_400_and_nothing_published(edge: Edge, body: bytes) -> None:
    response = await edge.post(body)
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_delivery"
    assert edge.publisher.records == []


async def test_utf16_json_is_refused_not_crashed(edge: Edge, samples_dir: Path) -> None:
    text = (samples_dir / "aaa_tweet_create_reply_mention.json").read_text()
    response = await edge.post(text.encode("utf-16"))  # json.loads(bytes) would accept it
    assert response.status_code == 400
    assert edge.publisher.records == []


async def test_oversized_body_is_413(edge: Edge) -> None:
    body = b"{" + b" " * (64 * 1024) + b"}"
    response = await edge.post(body)
    assert response.status_code == 413
    assert edge.publisher.records == []


async def test_oversized_body_without_content_length_is_413(edge: Edge) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(65):
            yield b" " * 1024

    response = await edge.client.post("/webhooks/twitter", content=chunks())
    assert response.status_code == 413
    assert edge.publisher.records == []


async def test_broker_refusing_is_503_so_twitter_retries(edge: Edge, samples_dir: Path) -> None:
    edge.publisher.fail = True
    response = await edge.post((samples_dir / "aaa_tweet_create_reply_mention.json").read_bytes())
    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"


async def test_broker_never_acking_is_503_within_the_publish_timeout(
    edge: Edge, samples_dir: Path
) -> None:
    edge.publisher.hang = True
    started = time.monotonic()
    response = await edge.post((samples_dir / "aaa_tweet_create_reply_mention.json").read_bytes())
    assert response.status_code == 503
    assert "no ack from Kafka within 0.3s" in response.json()["message"]
    assert time.monotonic() - started < 2


async def test_metrics_count_deliveries_events_and_rejections(
    edge: Edge, samples_dir: Path
) -> None:
    await edge.post((samples_dir / "aaa_tweet_create_reply_mention.json").read_bytes())
    await edge.post((samples_dir / "aaa_direct_message_mark_read.json").read_bytes())
    await edge.post(b"{}", secret="wrong")
    text = (await edge.client.get("/metrics")).text
    assert 'sb_ingest_deliveries_total{envelope="tweet_create_events"}' in text
    assert 'sb_ingest_events_total{type="twitter.tweet.received"}' in text
    assert 'sb_ingest_dropped_total{reason="read_receipt"}' in text
    assert 'sb_ingest_rejected_total{reason="signature"}' in text
    assert "sb_ingest_publish_seconds_bucket" in text


# Property-based fuzzing of the whole edge: no body ever gets a 500, and a refused body
# publishes nothing.

SAMPLE_BYTES = [path.read_bytes() for path in sample_files()]
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)


@st.composite
def tampered_samples(draw: st.DrawFn) -> bytes:
    """A real delivery, as sent or with one top-level or second-level value replaced."""
    body = json.loads(draw(st.sampled_from(SAMPLE_BYTES)))
    if draw(st.booleans()):
        node, key = body, draw(st.sampled_from(sorted(body)))
        if isinstance(node[key], dict) and node[key] and draw(st.booleans()):
            node = node[key]
            key = draw(st.sampled_from(sorted(node)))
        node[key] = draw(JSON)
    return json.dumps(body).encode()


BODIES = tampered_samples() | st.binary(max_size=300) | JSON.map(lambda v: json.dumps(v).encode())
SIGNATURE_LIKE = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=60) | (
    st.binary(max_size=40).map(lambda other: signature(SECRET, other))  # right key, other bytes
)
FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(body=BODIES)
async def test_signed_bodies_get_200_or_400_and_only_200_publishes(
    shared_edge: Edge, body: bytes
) -> None:
    shared_edge.publisher.records.clear()
    response = await shared_edge.post(body)
    assert response.status_code in {200, 400}, response.text
    if response.status_code == 400:
        assert response.json()["code"] == "malformed_delivery"
        assert shared_edge.publisher.records == []
    else:
        assert shared_edge.publisher.records[-1].topic == "twitter.webhooks.raw.v1"
        assert len(shared_edge.publisher.records) == response.json()["events"] + 1


@FUZZ
@given(body=BODIES, header=st.none() | st.just("sha256=") | SIGNATURE_LIKE)
async def test_unsigned_or_wrongly_signed_bodies_get_401_and_publish_nothing(
    shared_edge: Edge, body: bytes, header: str | None
) -> None:
    shared_edge.publisher.records.clear()
    assume(header != signature(SECRET, body))
    headers = {} if header is None else {"x-twitter-webhooks-signature": header}
    response = await shared_edge.client.post("/webhooks/twitter", content=body, headers=headers)
    assert response.status_code == 401
    assert shared_edge.publisher.records == []


@FUZZ
@given(extra=st.integers(1, 4096), signed=st.booleans())
async def test_oversized_bodies_get_413_and_publish_nothing(
    shared_edge: Edge, extra: int, *, signed: bool
) -> None:
    shared_edge.publisher.records.clear()
    body = (SAMPLE_BYTES[0] + b" " * MAX_BODY)[: MAX_BODY + extra]
    response = await shared_edge.post(body, secret=SECRET if signed else None)
    assert response.status_code == 413
    assert shared_edge.publisher.records == []
