"""The spine end to end, each service its own process, over the real broker and database:
a signed Account Activity webhook becomes a conversation in the New queue, stored in
PostgreSQL and announced on conversations.v1; a badly signed one publishes nothing."""

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import create_engine, text

from switchboard_contracts.topics import (
    CHANNELS,
    CONVERSATIONS,
    TWITTER_ACTIVITY,
    TWITTER_WEBHOOKS_RAW,
)
from switchboard_ingest.domain.signature import signature
from switchboard_platform.kafka.broker import EventPublisher, build_broker
from switchboard_platform.settings import KafkaSettings
from switchboard_testing.builders import channel_snapshot
from switchboard_testing.kafka import consume_until
from switchboard_testing.processes import RunningService, free_port, run_once, service_process
from switchboard_testing.twitter_samples import sample_path

pytestmark = pytest.mark.e2e

SECRET = "e2e-consumer-secret"
SAMPLE = sample_path("aaa_tweet_create_reply_mention.json")
ACCOUNT = "2975699229"
CUSTOMER = "1205290247124217856"


@dataclass(frozen=True)
class Stack:
    ingest: RunningService
    conversation: RunningService
    kafka: KafkaSettings
    database_url: str


@pytest.fixture
def stack(
    kafka_bootstrap_servers: str, topic_prefix: str, fresh_database_url: str, tmp_path: Path
) -> Iterator[Stack]:
    common = {
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
        "KAFKA_TOPIC_PREFIX": topic_prefix,
        "LOG_FORMAT": "json",
    }
    conversation_env = {
        **common,
        "DATABASE_URL": fresh_database_url,
        "SB_CONVERSATION_PORT": str(free_port()),
        "SB_CONVERSATION_CONSUMER_GROUP": f"conversation-{uuid.uuid4().hex[:6]}",
        # The builders' tweets are from 2026-01-01: the auto-resolve sweep would (rightly)
        # resolve them once they are 30 days old; it is not what these tests are about.
        "SB_CONVERSATION_SWEEP_ENABLED": "false",
    }
    ingest_env = {
        **common,
        "SB_INGEST_TWITTER_CONSUMER_SECRET": SECRET,
        "SB_INGEST_PORT": str(free_port()),
    }
    run_once("switchboard_conversation", "migrate", env=conversation_env)
    with (
        service_process(
            "conversation-svc",
            "switchboard_conversation",
            "serve",
            port=int(conversation_env["SB_CONVERSATION_PORT"]),
            env=conversation_env,
            log_dir=tmp_path,
        ) as conversation,
        service_process(
            "ingest-svc",
            "switchboard_ingest",
            port=int(ingest_env["SB_INGEST_PORT"]),
            env=ingest_env,
            log_dir=tmp_path,
        ) as ingest,
    ):
        yield Stack(
            ingest,
            conversation,
            KafkaSettings(bootstrap_servers=kafka_bootstrap_servers, topic_prefix=topic_prefix),
            fresh_database_url,
        )


@pytest.fixture
async def publisher(stack: Stack) -> AsyncIterator[EventPublisher]:
    broker = build_broker(stack.kafka, client_id="e2e-test")
    await broker.start()
    yield EventPublisher(broker, stack.kafka)
    await broker.stop()


async def connect_channel(publisher: EventPublisher, org_id: uuid.UUID) -> uuid.UUID:
    """What channel-svc will publish when the account is connected."""
    event = channel_snapshot(org_id=org_id, account_id=ACCOUNT)
    await publisher.publish(CHANNELS, event, key=str(event.payload.channel_id))
    return event.payload.channel_id


async def end_offsets(bootstrap: str, topics: list[str]) -> dict[str, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [
            TopicPartition(topic, p)
            for topic in topics
            for p in consumer.partitions_for_topic(topic) or ()
        ]
        if not partitions:
            await consumer._client.force_metadata_update()
            partitions = [
                TopicPartition(topic, p)
                for topic in topics
                for p in consumer.partitions_for_topic(topic) or ()
            ]
        offsets = await consumer.end_offsets(partitions)
    finally:
        await consumer.stop()
    return {topic: sum(o for tp, o in offsets.items() if tp.topic == topic) for topic in topics}


async def test_signed_webhook_becomes_a_new_conversation(
    stack: Stack, publisher: EventPublisher
) -> None:
    org_id = uuid.uuid4()
    channel_id = await connect_channel(publisher, org_id)
    body = SAMPLE.read_bytes()
    async with httpx.AsyncClient(base_url=stack.ingest.base_url) as client:
        response = await client.post(
            "/webhooks/twitter",
            content=body,
            headers={
                "content-type": "application/json",
                "x-twitter-webhooks-signature": signature(SECRET, body),
            },
        )
    assert response.status_code == 200, response.text

    def created(messages: list[dict[str, Any]]) -> bool:
        return any(
            m["value"]["type"] == "conversation.created" and m["value"]["org_id"] == str(org_id)
            for m in messages
        )

    seen = await consume_until(
        stack.kafka.bootstrap_servers, publisher.topic_name(CONVERSATIONS), created, within=60
    )
    ours = [m["value"] for m in seen if m["value"]["org_id"] == str(org_id)]
    [event] = [e for e in ours if e["type"] == "conversation.created"]
    state = event["payload"]["conversation"]
    assert state["status"] == "new"
    assert state["channel_id"] == str(channel_id)
    assert state["customer"]["id"] == CUSTOMER
    assert event["subject"]["conversation_id"] == state["conversation_id"]

    engine = create_engine(stack.database_url)
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT status, customer_id FROM conversations WHERE id = :id"),
            {"id": state["conversation_id"]},
        ).one()
        message = connection.execute(
            text("SELECT text, twitter_id FROM messages WHERE conversation_id = :id"),
            {"id": state["conversation_id"]},
        ).one()
    engine.dispose()
    assert tuple(row) == ("new", CUSTOMER)
    assert tuple(message) == ("@ScruffyMcG This is only a test.", "1207623566339919872")


async def test_badly_signed_webhook_is_refused_and_publishes_nothing(
    stack: Stack, publisher: EventPublisher
) -> None:
    topics = [publisher.topic_name(TWITTER_ACTIVITY), publisher.topic_name(TWITTER_WEBHOOKS_RAW)]
    before = await end_offsets(stack.kafka.bootstrap_servers, topics)
    body = json.dumps(json.loads(SAMPLE.read_bytes()) | {"for_user_id": "1"}).encode()
    async with httpx.AsyncClient(base_url=stack.ingest.base_url) as client:
        wrong = await client.post(
            "/webhooks/twitter",
            content=body,
            headers={"x-twitter-webhooks-signature": signature("not-the-secret", body)},
        )
        missing = await client.post("/webhooks/twitter", content=body)
    assert (wrong.status_code, missing.status_code) == (401, 401)
    assert wrong.json()["code"] == "invalid_signature"
    # ingest answers only after Kafka acked, so anything published would already show.
    assert await end_offsets(stack.kafka.bootstrap_servers, topics) == before
