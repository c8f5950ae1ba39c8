"""Reconciling an interrupted send from the account's echo (`SB_CHANNEL_RECONCILE=echoes`),
over real PostgreSQL and the simulator: the worker dies between Twitter's 201 and its
commit, the request is delivered again, and the echo Twitter sends back through the
webhook (here published as ingest-svc would, since ingest does not run in these tests)
settles it: `reply.sent` with the echo's id, nothing sent twice. No matching echo within
the window: the visible failure (`gave_up_retrying`), never a second send."""

import asyncio
import contextlib
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from switchboard_channel.adapters import tables
from switchboard_channel.adapters.deliveries import DeliveryRepository
from switchboard_channel.bootstrap import create_app
from switchboard_channel.service_layer import delivery
from switchboard_channel.service_layer.context import ChannelContext
from switchboard_channel.service_layer.delivery import (
    ReconcileLaterError,
    handle_reply_requested,
)
from switchboard_channel.service_layer.echoes import prune_echoes
from switchboard_channel.service_layer.twitter_activity import handle_twitter_activity
from switchboard_contracts.enums import MessageKind
from switchboard_contracts.envelope import Event
from switchboard_contracts.events.replies import ReplyRequested
from switchboard_contracts.topics import REPLIES_REQUESTED, REPLIES_RESULTS, TWITTER_ACTIVITY
from switchboard_platform.kafka.broker import EventPublisher
from switchboard_testing.builders import direct_message_received, tweet_received
from switchboard_testing.kafka import consume_until, read_all
from switchboard_twitter_sim.control_models import SimDirectMessage, SimTweet

from .conftest import (
    Brand,
    Crash,
    CrashAfterSending,
    Sim,
    context,
    request,
    results,
    settings_for,
)
from .support import FakeAccess

pytestmark = pytest.mark.integration
LINK = "https://shop.test/orders/12345?ref=care&x=1"
TEXT = f"Thanks  for waiting!\nTrack your order here: {LINK}"
SHORT = "https://t.co/Ab3dEf9hIj"


Restart = Callable[..., ChannelContext]


@pytest.fixture
def restart(engine: AsyncEngine, database_url: str, keys: list[str], sim: Sim) -> Restart:
    """channel-svc again after the crash, reconciling from echoes."""

    def restarted(*, window: float = 30.0) -> ChannelContext:
        return context(
            engine,
            database_url,
            keys[:1],
            sim,
            reconcile="echoes",
            reconcile_window_seconds=window,
        )

    return restarted


async def crash_while_sending(brand: Brand, event: ReplyRequested) -> None:
    """The first attempt: Twitter answers 201, the process dies before recording it."""
    brand.ctx.twitter = CrashAfterSending(brand.ctx.twitter, crash_on=event.payload.text)
    with pytest.raises(Crash):
        await handle_reply_requested(brand.ctx, event)


async def crashed_tweet(brand: Brand, sim: Sim) -> tuple[ReplyRequested, SimTweet]:
    """A reply to the customer's mention that reached Twitter, its result lost."""
    event = request(brand, TEXT)
    await crash_while_sending(brand, event)
    return event, await only_tweet(sim, brand)


def tweet_echo(brand: Brand, tweet: SimTweet, *, text: str | None = None) -> Event[Any]:
    """What ingest-svc makes of the webhook's echo of `tweet`, as real Twitter writes it:
    the replied-to @handle in front, the link shortened to t.co, whitespace collapsed."""
    body = " ".join(tweet.text.replace(LINK, SHORT).split())
    return tweet_received(
        tweet_id=tweet.id,
        customer_id=brand.customer.id,
        account_id=brand.account.id,
        text=body if text is None else text,
        created_at=tweet.created_at,
        from_account=True,
        in_reply_to_tweet_id=tweet.in_reply_to_tweet_id,
    )


def dm_echo(brand: Brand, message: SimDirectMessage) -> Event[Any]:
    return direct_message_received(
        dm_id=message.id,
        customer_id=message.recipient_id,
        account_id=brand.account.id,
        text=message.text.replace(LINK, SHORT),
        created_at=message.created_at,
        from_account=True,
    )


async def only_tweet(sim: Sim, brand: Brand) -> SimTweet:
    tweets = (await sim.client.sent(brand.account)).tweets
    assert len(tweets) == 1, [t.text for t in tweets]  # nothing was sent twice
    return tweets[0]


async def result_of(engine: AsyncEngine, event: ReplyRequested) -> dict[str, Any]:
    found: dict[str, Any] = (await results(engine))[str(event.payload.message_id)]
    return found


async def test_an_echo_that_came_before_the_redelivery_settles_it_as_sent(
    brand: Brand, sim: Sim, engine: AsyncEngine, restart: Restart
) -> None:
    event, tweet = await crashed_tweet(brand, sim)
    ctx = restart()
    echo = tweet_echo(brand, tweet)
    await handle_twitter_activity(ctx, echo)
    await handle_twitter_activity(ctx, echo)  # the webhook delivered it twice: kept once
    await handle_reply_requested(ctx, event)
    await handle_reply_requested(ctx, event)  # and the request is redelivered again
    result = await result_of(engine, event)
    assert result["type"] == "reply.sent"
    assert result["payload"]["twitter_id"] == tweet.id
    assert (await only_tweet(sim, brand)).id == tweet.id


async def test_a_redelivery_waits_for_the_echo_without_sending(
    brand: Brand, sim: Sim, engine: AsyncEngine, restart: Restart
) -> None:
    event, tweet = await crashed_tweet(brand, sim)
    ctx = restart()
    waiting = asyncio.create_task(handle_reply_requested(ctx, event))
    await asyncio.sleep(1.0)
    assert not waiting.done()
    assert str(event.payload.message_id) not in await results(engine)
    await handle_twitter_activity(ctx, tweet_echo(brand, tweet))
    await asyncio.wait_for(waiting, timeout=10)
    result = await result_of(engine, event)
    assert (result["type"], result["payload"]["twitter_id"]) == ("reply.sent", tweet.id)
    await only_tweet(sim, brand)


async def test_a_late_echo_is_waited_for_across_handler_calls(
    *,
    brand: Brand,
    sim: Sim,
    engine: AsyncEngine,
    restart: Restart,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each call waits one slice, then hands the message back to the consumer, which
    fetches it again (a `TimeoutError`: retried without limit); the window bounds it."""
    monkeypatch.setattr(delivery, "RECONCILE_SLICE_SECONDS", 0.3)
    event = request(brand, "Send us your order number", kind=MessageKind.DIRECT_MESSAGE)
    await crash_while_sending(brand, event)
    sent = (await sim.client.sent(brand.account)).direct_messages
    assert len(sent) == 1
    ctx = restart()
    for _ in range(2):
        with pytest.raises(ReconcileLaterError):
            await handle_reply_requested(ctx, event)
    await handle_twitter_activity(ctx, dm_echo(brand, sent[0]))
    await handle_reply_requested(ctx, event)
    result = await result_of(engine, event)
    assert (result["type"], result["payload"]["twitter_id"]) == ("reply.sent", sent[0].id)
    assert len((await sim.client.sent(brand.account)).direct_messages) == 1


async def test_no_echo_within_the_window_is_a_visible_failure_and_nothing_is_resent(
    *,
    brand: Brand,
    sim: Sim,
    engine: AsyncEngine,
    restart: Restart,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(delivery, "RECONCILE_SLICE_SECONDS", 0.5)
    event, tweet = await crashed_tweet(brand, sim)
    ctx = restart(window=1.5)
    started = asyncio.get_running_loop().time()
    # Not the echo: another text to the same tweet, the same text to another tweet.
    other = await sim.client.mention(brand.customer, brand.account, "and another thing")
    for echo in (
        tweet_echo(brand, tweet, text=f"@{brand.customer.screen_name} Thanks for your patience"),
        tweet_received(
            tweet_id="1999999999999999999",
            customer_id=brand.customer.id,
            account_id=brand.account.id,
            text=tweet_echo(brand, tweet).payload.text,
            created_at=tweet.created_at,
            from_account=True,
            in_reply_to_tweet_id=other.id,
        ),
    ):
        await handle_twitter_activity(ctx, echo)
    attempts = 0
    while str(event.payload.message_id) not in await results(engine):
        attempts += 1
        try:  # the consumer fetching it again after each slice
            await handle_reply_requested(ctx, event)
        except ReconcileLaterError:
            continue
    waited = asyncio.get_running_loop().time() - started
    assert attempts >= 2  # the window spans calls: a redelivery does not restart it
    assert 1.0 < waited < 10
    result = await result_of(engine, event)
    assert (result["type"], result["payload"]["reason"]) == ("reply.failed", "gave_up_retrying")
    assert (await only_tweet(sim, brand)).id == tweet.id
    await handle_reply_requested(ctx, event)  # a redelivery of a settled request: nothing
    assert (await only_tweet(sim, brand)).id == tweet.id


async def test_without_a_webhook_subscription_no_echo_is_waited_for(
    brand: Brand, sim: Sim, engine: AsyncEngine, restart: Restart
) -> None:
    event = request(brand, TEXT)
    await crash_while_sending(brand, event)
    async with engine.begin() as connection:
        await connection.execute(tables.channels.update().values(webhook_subscribed=False))
    ctx = restart(window=60)
    await asyncio.wait_for(handle_reply_requested(ctx, event), timeout=5)
    result = await result_of(engine, event)
    assert (result["type"], result["payload"]["reason"]) == ("reply.failed", "gave_up_retrying")
    await only_tweet(sim, brand)


async def test_echoes_are_kept_for_the_retention_only(
    brand: Brand, sim: Sim, engine: AsyncEngine, restart: Restart
) -> None:
    ctx = restart()
    now = datetime.now(UTC)

    def own_reply(tweet_id: str, age: timedelta) -> Event[Any]:
        return tweet_received(
            tweet_id=tweet_id,
            customer_id=brand.customer.id,
            account_id=brand.account.id,
            text="@customer_out hello",
            created_at=now - age,
            from_account=True,
            in_reply_to_tweet_id=brand.mention_id,
        )

    customers = tweet_received(
        tweet_id="1700000000000000009", customer_id=brand.customer.id, created_at=now
    )
    for event in (
        own_reply("1800000000000000001", timedelta(minutes=1)),
        own_reply("1800000000000000002", timedelta(minutes=50)),
        own_reply("1800000000000000003", timedelta(hours=2)),  # older than the retention
        customers,
    ):
        await handle_twitter_activity(ctx, event)

    async def kept() -> set[str]:
        async with engine.connect() as connection:
            return set(await connection.scalars(select(tables.echoes.c.twitter_id)))

    assert await kept() == {"1800000000000000001", "1800000000000000002"}
    assert await prune_echoes(ctx, retention=timedelta(minutes=30)) == 1
    assert await kept() == {"1800000000000000001"}


# Over the real broker ---------------------------------------------------------------------


async def test_over_kafka_the_echo_settles_the_redelivered_request_once(
    *,
    brand: Brand,
    sim: Sim,
    engine: AsyncEngine,
    database_url: str,
    keys: list[str],
    publisher: EventPublisher,
    kafka_bootstrap_servers: str,
    topic_prefix: str,
) -> None:
    """channel-svc restarts after dying mid-send: the request comes again on
    replies.requested.v1, then the echo on twitter.activity.v1; one `reply.sent`."""
    event, tweet = await crashed_tweet(brand, sim)
    settings = settings_for(
        database_url,
        keys[:1],
        kafka=kafka_bootstrap_servers,
        topic_prefix=topic_prefix,
        reconcile="echoes",
    )
    app = create_app(settings, twitter_transport=sim.transport, access=FakeAccess())
    conversation = str(event.payload.conversation_id)
    echo = tweet_echo(brand, tweet)
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
        await publisher.publish(REPLIES_REQUESTED, event, key=conversation)
        await publisher.publish(REPLIES_REQUESTED, event, key=conversation)  # and again
        await asyncio.sleep(1.0)  # the request is waiting for its echo by now
        await publisher.publish(TWITTER_ACTIVITY, echo, key=f"{brand.account.id}:x")
        message_id = str(event.payload.message_id)

        def mine(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [
                m["value"]
                for m in messages
                if isinstance(m["value"], dict)
                and m["value"].get("payload", {}).get("message_id") == message_id
            ]

        await consume_until(
            kafka_bootstrap_servers,
            publisher.topic_name(REPLIES_RESULTS),
            lambda messages: bool(mine(messages)),
            within=60,
        )
        await asyncio.sleep(1.0)  # the second request is handled too (and skipped)
    topic = publisher.topic_name(REPLIES_RESULTS)
    sent = mine(await read_all(kafka_bootstrap_servers, topic))
    assert [(r["type"], r["payload"]["twitter_id"]) for r in sent] == [("reply.sent", tweet.id)]
    d, e = tables.deliveries.c, tables.echoes.c
    async with engine.connect() as connection:
        kept = await connection.scalar(
            select(func.count()).select_from(tables.echoes).where(e.account_id == brand.account.id)
        )
        recorded = (
            await connection.execute(
                select(d.state, d.twitter_id).where(d.message_id == uuid.UUID(message_id))
            )
        ).one()
    assert (kept, tuple(recorded)) == (1, ("sent", tweet.id))
    assert (await only_tweet(sim, brand)).id == tweet.id


async def test_one_echo_matching_two_interrupted_deliveries_is_taken_by_one_only(
    *,
    brand: Brand,
    sim: Sim,
    engine: AsyncEngine,
    restart: Restart,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two deliveries of the same text to the same tweet, both interrupted, reconciled at
    the same moment: each sees the one echo unclaimed (forced here by hiding the claims,
    as a race would). The unique Twitter id lets only one take it; the other looks again
    and, with no echo of its own, ends in the visible failure."""
    monkeypatch.setattr(delivery, "RECONCILE_SLICE_SECONDS", 0.3)
    first, tweet = await crashed_tweet(brand, sim)
    second = request(brand, TEXT)
    await crash_while_sending(brand, second)  # Twitter refused the duplicate; we died
    ctx = restart(window=1.0)
    await handle_twitter_activity(ctx, tweet_echo(brand, tweet))

    real = DeliveryRepository.claimed_twitter_ids
    looks = 0

    async def racing(deliveries: DeliveryRepository, twitter_ids: Sequence[str]) -> frozenset[str]:
        nonlocal looks
        looks += 1  # each delivery's first look sees no claim: both before either commits
        return frozenset() if looks <= 2 else await real(deliveries, twitter_ids)

    monkeypatch.setattr(DeliveryRepository, "claimed_twitter_ids", racing)
    await handle_reply_requested(ctx, first)
    while str(second.payload.message_id) not in await results(engine):
        with contextlib.suppress(ReconcileLaterError):
            await handle_reply_requested(ctx, second)
    taken, lost = await result_of(engine, first), await result_of(engine, second)
    assert (taken["type"], taken["payload"]["twitter_id"]) == ("reply.sent", tweet.id)
    assert (lost["type"], lost["payload"]["reason"]) == ("reply.failed", "gave_up_retrying")
    await only_tweet(sim, brand)
