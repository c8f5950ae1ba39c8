"""A consumer killed (SIGKILL, no goodbye) in the middle of a stream and started again
ends with every message stored exactly once.

Offsets are committed only after the database commit, so what was handled but not yet
acknowledged comes again and meets its processed-event record; the outbox may publish a
batch twice (published, killed before deleting it), which subscribers deduplicate by
event id, so the distinct events are exactly one per change.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest

from switchboard_platform.kafka.broker import EventPublisher
from switchboard_testing.processes import RunningService

from .support import TWEETS, TweetBurst

pytestmark = pytest.mark.e2e


async def test_sigkill_mid_stream_stores_every_message_once(
    start_conversation_svc: Callable[[], AbstractContextManager[RunningService]],
    publisher: EventPublisher,
    kafka_bootstrap_servers: str,
    fresh_database_url: str,
) -> None:
    burst = TweetBurst(
        publisher,
        kafka_bootstrap_servers,
        account="3000000000000000002",
        tweet_ids=6_000_000_000_000_000_000,
        customer_ids=7_000_000_000_000_000_000,
    )
    await burst.connect()

    with start_conversation_svc() as first:
        await burst.send_and_await_the_first_events()
        first.process.kill()
        first.process.wait()
    before = len(await burst.events())
    assert before < 2 * TWEETS, "the service finished before SIGKILL; nothing was interrupted"

    with start_conversation_svc():
        events = await burst.every_event()
    assert len({e["event_id"] for e in events}) == 2 * TWEETS
    stored = burst.stored(fresh_database_url)
    assert (stored.conversations, stored.messages, stored.distinct_twitter_ids) == (
        TWEETS,
        TWEETS,
        TWEETS,
    )
