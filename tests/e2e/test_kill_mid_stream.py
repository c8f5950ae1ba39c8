"""A consumer killed (SIGKILL, no goodbye) in the middle of a stream and started again
ends with every message stored exactly once.

Offsets are committed only after the database commit, so what was handled but not yet
acknowledged comes again and meets its processed-event record; the outbox may publish a
batch twice (published, killed before deleting it), which subscribers deduplicate by
event id, so the distinct events are exactly one per change.
"""

import asyncio
import uuid
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
ACCOUNT = "3000000000000000002"


async def test_sigkill_mid_stream_stores_every_message_once(
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
            tweet_id=str(6_000_000_000_000_000_000 + i),
            customer_id=str(7_000_000_000_000_000_000 + i),
            account_id=ACCOUNT,
        )
        for i in range(TWEETS)
    ]
    events_topic = publisher.topic_name(CONVERSATIONS)

    def select(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            m["value"]
            for m in messages
            if isinstance(m["value"], dict) and m["value"].get("org_id") == str(org_id)
        ]

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
        first.process.kill()
        first.process.wait()
    before = len(select(await read_all(kafka_bootstrap_servers, events_topic)))
    assert before < 2 * TWEETS, "the service finished before SIGKILL; nothing was interrupted"

    with start_conversation_svc():
        await consume_until(
            kafka_bootstrap_servers,
            events_topic,
            lambda seen: len({e["event_id"] for e in select(seen)}) >= 2 * TWEETS,
            within=120,
        )
        await asyncio.sleep(2)
        seen = select(await read_all(kafka_bootstrap_servers, events_topic))
    assert len({e["event_id"] for e in seen}) == 2 * TWEETS
    engine = create_engine(fresh_database_url)
    with engine.connect() as connection:
        conversations = connection.scalar(
            text("SELECT count(*) FROM conversations WHERE org_id = :org"), {"org": org_id}
        )
        messages = connection.scalar(text(OURS_MESSAGES.format("*")), {"org": org_id})
        distinct = connection.scalar(
            text(OURS_MESSAGES.format("DISTINCT m.twitter_id")), {"org": org_id}
        )
    engine.dispose()
    assert (conversations, messages, distinct) == (TWEETS, TWEETS, TWEETS)
