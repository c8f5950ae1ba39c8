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
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from switchboard_contracts.topics import CHANNELS, CONVERSATIONS, TWITTER_ACTIVITY
from switchboard_platform.kafka.broker import EventPublisher, OutgoingRecord, encode
from switchboard_testing.builders import channel_snapshot, tweet_received
from switchboard_testing.kafka import consume_until, read_all
from switchboard_testing.processes import RunningService

pytestmark = pytest.mark.e2e
# Topics are shared by the session's tests: count only this test's organization.
OURS_MESSAGES = (
    "SELECT count({}) FROM messages m JOIN conversations c ON c.id = m.conversation_id"
    " WHERE c.org_id = :org"
)

TWEETS = 300
ACCOUNT = "3000000000000000001"


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
        conversations = connection.scalar(
            text("SELECT count(*) FROM conversations WHERE org_id = :org"), {"org": org_id}
        )
        messages = connection.scalar(text(OURS_MESSAGES.format("*")), {"org": org_id})
        outbox = connection.scalar(text("SELECT count(*) FROM outbox"))
    engine.dispose()
    assert (conversations, messages, outbox) == (TWEETS, TWEETS, 0)
