"""SIGTERM in the middle of a stream loses nothing and duplicates nothing.

conversation-svc runs as its own process over the real broker and database. A burst of
customer tweets is published; the service is stopped with SIGTERM while it works through
them (as Kubernetes stops a pod), then started again. Every tweet must end up as exactly
one conversation, and conversations.v1 must carry exactly one event per change.
"""

import asyncio
import signal
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest

from switchboard_platform.kafka.broker import EventPublisher
from switchboard_testing.processes import RunningService

from .support import TWEETS, TweetBurst

pytestmark = pytest.mark.e2e


async def test_sigterm_mid_stream_loses_and_duplicates_nothing(
    start_conversation_svc: Callable[[], AbstractContextManager[RunningService]],
    publisher: EventPublisher,
    kafka_bootstrap_servers: str,
    fresh_database_url: str,
) -> None:
    burst = TweetBurst(
        publisher,
        kafka_bootstrap_servers,
        account="3000000000000000001",
        tweet_ids=4_000_000_000_000_000_000,
        customer_ids=5_000_000_000_000_000_000,
    )
    await burst.connect()

    with start_conversation_svc() as first:
        await burst.send_and_await_the_first_events()
        exit_code = await asyncio.to_thread(first.terminate)
    # uvicorn re-raises SIGTERM once its graceful shutdown is complete.
    assert exit_code in (0, -signal.SIGTERM), first.log_tail()
    assert "Application shutdown complete" in first.log_tail(), first.log_tail()
    before = len(await burst.events())
    assert before < 2 * TWEETS, "the service finished before SIGTERM; nothing was interrupted"

    with start_conversation_svc():
        events = await burst.every_event()

    duplicates = [eid for eid, n in Counter(e["event_id"] for e in events).items() if n > 1]
    assert duplicates == []
    assert Counter(e["type"] for e in events) == {
        "conversation.created": TWEETS,
        "conversation.message_added": TWEETS,
    }
    customers = {e["payload"]["conversation"]["customer"]["id"] for e in events}
    assert customers == {t.payload.customer_id for t in burst.tweets}
    stored = burst.stored(fresh_database_url)
    assert (stored.conversations, stored.messages, stored.outbox) == (TWEETS, TWEETS, 0)
