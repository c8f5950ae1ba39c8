"""SIGTERM in the middle of a stream loses nothing and duplicates nothing.

conversation-svc runs as its own process over the real broker and database. A burst of
customer tweets is published; the service is stopped with SIGTERM while it works through
them (as Kubernetes stops a pod), then started again. Every tweet must end up as exactly
one conversation, and conversations.v1 must carry exactly one event per change.
"""

import asyncio
import signal
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from switchboard_contracts.topics import CHANNELS, CONVERSATIONS, TWITTER_ACTIVITY
from switchboard_platform.kafka.broker import EventPublisher, OutgoingRecord, build_broker, encode
from switchboard_platform.settings import KafkaSettings
from switchboard_testing.builders import channel_snapshot, tweet_received
from switchboard_testing.kafka import consume_until, read_all
from switchboard_testing.processes import RunningService, free_port, run_once, service_process

pytestmark = pytest.mark.e2e

TWEETS = 300
ACCOUNT = "3000000000000000001"


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


def ours(org_id: uuid.UUID) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    def select(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            m["value"]
            for m in messages
            if isinstance(m["value"], dict) and m["value"].get("org_id") == str(org_id)
        ]

    return select


async def test_sigterm_mid_stream_loses_and_duplicates_nothing(
    start_conversation_svc: Callable[[], AbstractContextManager[RunningService]],
    publisher: EventPublisher,
    kafka_bootstrap_servers: str,
    fresh_database_url: str,
) -> None:
    org_id = uuid.uuid4()
    snapshot = channel_snapshot(org_id=org_id, account_id=ACCOUNT)
    await publisher.publish(CHANNELS, snapshot, key=str(snapshot.payload.channel_id))
    tweets = [
        tweet_received(
            tweet_id=str(4_000_000_000_000_000_000 + i),
            customer_id=str(5_000_000_000_000_000_000 + i),
            account_id=ACCOUNT,
        )
        for i in range(TWEETS)
    ]
    events_topic = publisher.topic_name(CONVERSATIONS)
    select = ours(org_id)

    with start_conversation_svc() as first:
        await publisher.publish_batch(
            [
                OutgoingRecord(
                    publisher.topic_name(TWITTER_ACTIVITY),
                    f"{ACCOUNT}:{t.payload.customer_id}",
                    encode(t),
                    t.type,
                )
                for t in tweets
            ]
        )
        await consume_until(
            kafka_bootstrap_servers, events_topic, lambda seen: len(select(seen)) >= 10, within=60
        )
        exit_code = await asyncio.to_thread(first.terminate)
    # uvicorn re-raises SIGTERM once its graceful shutdown is complete.
    assert exit_code in (0, -signal.SIGTERM), first.log_tail()
    assert "Application shutdown complete" in first.log_tail(), first.log_tail()
    before = len(select(await read_all(kafka_bootstrap_servers, events_topic)))
    assert before < 2 * TWEETS, "the service finished before SIGTERM; nothing was interrupted"

    with start_conversation_svc():
        seen = await consume_until(
            kafka_bootstrap_servers,
            events_topic,
            lambda seen: len(select(seen)) >= 2 * TWEETS,
            within=120,
        )
        await asyncio.sleep(2)  # anything duplicated would arrive right behind
        seen = await read_all(kafka_bootstrap_servers, events_topic)

    events = select(seen)
    duplicates = [eid for eid, n in Counter(e["event_id"] for e in events).items() if n > 1]
    assert duplicates == []
    assert Counter(e["type"] for e in events) == {
        "conversation.created": TWEETS,
        "conversation.message_added": TWEETS,
    }
    customers = {e["payload"]["conversation"]["customer"]["id"] for e in events}
    assert customers == {t.payload.customer_id for t in tweets}

    engine = create_engine(fresh_database_url)
    with engine.connect() as connection:
        conversations = connection.scalar(text("SELECT count(*) FROM conversations"))
        messages = connection.scalar(text("SELECT count(*) FROM messages"))
        outbox = connection.scalar(text("SELECT count(*) FROM outbox"))
    engine.dispose()
    assert (conversations, messages, outbox) == (TWEETS, TWEETS, 0)
