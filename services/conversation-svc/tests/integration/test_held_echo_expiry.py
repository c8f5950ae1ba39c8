"""Echoes held past the time limit, released by the sweep, over real PostgreSQL.

A reply whose result never comes (its request dead-lettered) must not hide the account's
posts for good: past the limit the sweep shows its held echoes as posts from the Twitter
app, with the events a release after a result has; replicas sweeping at once release each
echo once; a result that comes after all still confirms its reply, as one message.
"""

import asyncio
import json
import uuid
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select

from switchboard_conversation.adapters import tables
from switchboard_conversation.adapters.unit_of_work import UnitOfWork
from switchboard_conversation.domain.messages import EchoHold
from switchboard_conversation.service_layer.context import ConversationContext
from switchboard_conversation.service_layer.echo_expiry import release_expired_echoes
from switchboard_conversation.service_layer.replies import handle_reply_result
from switchboard_conversation.service_layer.sweeper import Sweeper
from switchboard_conversation.service_layer.twitter_activity import handle_activity
from switchboard_platform.db.engine import create_engine, session_factory
from switchboard_testing.builders import reply_failed, reply_sent

from .world import ACCOUNT, World, own_tweet, started_with_reply, twice

pytestmark = pytest.mark.integration
HOLD = EchoHold(timedelta(minutes=15))
RELEASED = "sb_held_echoes_released_total"


async def held_echo(world: World, customer: str, tweet_id: str) -> tuple[Any, uuid.UUID]:
    """The customer tweets, the agent replies, an echo comes and is held: (the echo, the
    reply's message id)."""
    _, message_id = await started_with_reply(world, customer, tweet_id=f"1{tweet_id}")
    echo = own_tweet(tweet_id, "typed on the phone", customer)
    await handle_activity(world.uow(), echo)
    h = tables.held_echoes.c
    assert await world.count(tables.held_echoes, h.twitter_id == tweet_id) == 1
    return echo, message_id


async def events(world: World, conversation: uuid.UUID) -> list[dict[str, Any]]:
    """The conversation's conversations.v1 events still in the outbox, in order."""
    o = tables.outbox.c
    async with world.engine.connect() as connection:
        found = await connection.execute(
            select(o.value).where(o.key == str(conversation)).order_by(o.id)
        )
        return [json.loads(row.value) for row in found]


def post_added(event: dict[str, Any]) -> tuple[Any, ...]:
    """What a `message_added` of a post from the app says, without ids and times."""
    message = event["payload"]["message"]
    return (
        event["type"],
        event["actor"],
        event["causation_id"],
        event["correlation_id"],
        message["direction"],
        message["author_user_id"],
        message["delivery_state"],
        message["twitter_id"],
        message["text"],
    )


def expected_post(echo: Any) -> tuple[Any, ...]:
    """A post from the app, as it would have been recorded on the echo's arrival."""
    return (
        "conversation.message_added",
        {"kind": "twitter_account", "id": ACCOUNT},
        str(echo.event_id),
        str(echo.correlation_id),
        "outbound",
        None,
        "sent",
        echo.payload.tweet_id,
        "typed on the phone",
    )


async def test_past_the_limit_the_sweep_shows_a_held_echo_as_a_result_would(
    world: World,
) -> None:
    # For reference, an echo released by a result (its reply failed).
    by_result, failed_reply = await held_echo(world, "9001", "881")
    failed = reply_failed(
        org_id=world.org,
        conversation_id=await world.conversation_of("9001"),
        message_id=failed_reply,
    )
    await handle_reply_result(world.uow(), failed)
    assert post_added((await events(world, await world.conversation_of("9001")))[-1]) == (
        expected_post(by_result)
    )

    # Another conversation: its reply's result never comes.
    echo, stuck_reply = await held_echo(world, "9002", "882")
    conversation = await world.conversation_of("9002")
    before = await events(world, conversation)
    sweeper = Sweeper(world.context, batch_size=10, echo_hold=HOLD)

    world.clock.offset = timedelta(minutes=14)
    await sweeper.once()
    assert await world.count(tables.held_echoes) == 1  # within the limit: still unseen
    assert await events(world, conversation) == before

    released_before = REGISTRY.get_sample_value(RELEASED) or 0
    world.clock.offset = timedelta(minutes=16)
    await sweeper.once()
    assert (REGISTRY.get_sample_value(RELEASED) or 0) - released_before == 1
    assert await world.count(tables.held_echoes) == 0
    after = await events(world, conversation)
    assert after[: len(before)] == before
    [shown] = after[len(before) :]  # one event, the post's, as on arrival
    assert post_added(shown) == expected_post(echo)
    m = tables.messages.c
    assert await world.count(tables.messages, m.twitter_id == "882") == 1
    stuck = await world.message(stuck_reply)  # only channel-svc knows what became of it
    assert (stuck.delivery_state, stuck.twitter_id) == ("requested", None)

    assert await release_expired_echoes(world.context, HOLD) == 0  # once
    assert await events(world, conversation) == after


async def test_a_sent_result_after_the_release_makes_the_post_its_reply(world: World) -> None:
    echo, message_id = await held_echo(world, "9003", "777")
    conversation = await world.conversation_of("9003")
    world.clock.offset = timedelta(minutes=16)
    assert await release_expired_echoes(world.context, HOLD) == 1
    m = tables.messages.c
    assert await world.count(tables.messages, m.twitter_id == "777", m.author_user_id.is_(None))

    def sent() -> Any:  # each call: the result published anew, with another event id
        return reply_sent(
            org_id=world.org, conversation_id=conversation, message_id=message_id, twitter_id="777"
        )

    late = sent()
    await twice(handle_reply_result, world.uow(), late)  # no dead letter: no error
    await handle_reply_result(world.uow(), sent())
    await handle_activity(world.uow(), echo)  # the echo redelivered: known, nothing

    outbound = await world.count(tables.messages, m.direction == "outbound")
    assert outbound == 1  # the reply alone: the post's row went
    stored = await world.message(message_id)
    assert (stored.delivery_state, stored.twitter_id) == ("sent", "777")
    assert await world.count(tables.held_echoes) == 0
    types = [event["type"] for event in await events(world, conversation)]
    assert types[-2:] == ["conversation.message_added", "conversation.message_delivery_changed"]
    assert types.count("conversation.message_delivery_changed") == 1


async def test_a_failed_result_after_the_release_leaves_the_post(world: World) -> None:
    _, message_id = await held_echo(world, "9004", "778")
    conversation = await world.conversation_of("9004")
    world.clock.offset = timedelta(minutes=16)
    assert await release_expired_echoes(world.context, HOLD) == 1
    failed = reply_failed(org_id=world.org, conversation_id=conversation, message_id=message_id)
    await twice(handle_reply_result, world.uow(), failed)
    stored = await world.message(message_id)
    assert stored.delivery_state == "failed"
    m = tables.messages.c
    assert await world.count(tables.messages, m.twitter_id == "778", m.author_user_id.is_(None))
    added = [e for e in await events(world, conversation) if e["payload"].get("message")]
    assert [e["payload"]["message"]["twitter_id"] for e in added].count("778") == 1


async def test_two_sweeps_at_once_release_each_echo_once(
    world: World, fresh_database_url: str
) -> None:
    """Two replicas (two connection pools), small batches so they run side by side."""
    echoes = [(str(9100 + i), str(800 + i)) for i in range(8)]
    for customer, tweet_id in echoes:
        await held_echo(world, customer, tweet_id)
    world.clock.offset = timedelta(minutes=16)
    other = create_engine(fresh_database_url)
    try:
        replica = ConversationContext(
            unit_of_work=partial(UnitOfWork, session_factory(other)),
            access=world.access,
            clock=world.clock,
        )
        released = await asyncio.gather(
            release_expired_echoes(world.context, HOLD, batch_size=1),
            release_expired_echoes(replica, HOLD, batch_size=1),
        )
    finally:
        await other.dispose()
    assert sum(released) == len(echoes)
    assert await world.count(tables.held_echoes) == 0
    m = tables.messages.c
    for customer, tweet_id in echoes:
        assert await world.count(tables.messages, m.twitter_id == tweet_id) == 1
        added = [
            e["payload"]["message"]["twitter_id"]
            for e in await events(world, await world.conversation_of(customer))
            if e["type"] == "conversation.message_added"
        ]
        assert added.count(tweet_id) == 1


async def test_the_sweep_skips_a_conversation_someone_holds(world: World) -> None:
    """Another replica's sweep, or a result being handled: skipped, never waited on."""
    await held_echo(world, "9005", "779")
    conversation = await world.conversation_of("9005")
    world.clock.offset = timedelta(minutes=16)
    c = tables.conversations.c
    async with world.engine.connect() as holder, holder.begin():
        await holder.execute(select(c.id).where(c.id == conversation).with_for_update())
        skipped = release_expired_echoes(world.context, HOLD)
        assert await asyncio.wait_for(skipped, timeout=5) == 0
    assert await release_expired_echoes(world.context, HOLD) == 1
