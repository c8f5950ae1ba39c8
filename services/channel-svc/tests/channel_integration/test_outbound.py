"""The outbound worker's handler over real PostgreSQL and the simulator: what Twitter
got (`sim.sent`) and what the outbox will publish on `replies.results.v1`."""

import json

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from switchboard_channel.adapters import tables
from switchboard_channel.service_layer.delivery import RetryLaterError, handle_reply_requested
from switchboard_contracts.enums import MessageKind

from .conftest import Brand, Crash, CrashAfterSending, Sim, context, request, results

pytestmark = pytest.mark.integration


async def test_tweet_and_dm_are_sent_once_even_when_redelivered(
    brand: Brand, sim: Sim, engine: AsyncEngine
) -> None:
    tweet = request(brand, "On its way!")
    dm = request(brand, "Send us your order number", kind=MessageKind.DIRECT_MESSAGE)
    for event in (tweet, dm, tweet, dm):
        await handle_reply_requested(brand.ctx, event)
    sent = await sim.client.sent(brand.account)
    assert [t.in_reply_to_tweet_id for t in sent.tweets] == [brand.mention_id]
    assert [m.text for m in sent.direct_messages] == ["Send us your order number"]
    found = await results(engine)
    assert found[str(tweet.payload.message_id)]["type"] == "reply.sent"
    assert found[str(tweet.payload.message_id)]["payload"]["twitter_id"] == sent.tweets[0].id
    assert found[str(dm.payload.message_id)]["payload"]["twitter_id"] == sent.direct_messages[0].id


async def test_rate_limited_reply_waits_for_the_reset_then_goes(
    brand: Brand, sim: Sim, engine: AsyncEngine
) -> None:
    await sim.client.set_rate_limit("dm_events", limit=1, window_seconds=2)
    first = request(brand, "one", kind=MessageKind.DIRECT_MESSAGE)
    second = request(brand, "two", kind=MessageKind.DIRECT_MESSAGE)
    await handle_reply_requested(brand.ctx, first)
    await handle_reply_requested(brand.ctx, second)  # 429, waits for the reset, sends
    sent = await sim.client.sent(brand.account)
    assert [m.text for m in sent.direct_messages] == ["one", "two"]
    found = await results(engine)
    assert {e["type"] for e in found.values()} == {"reply.sent"}


async def test_a_long_rate_limit_is_waited_out_in_slices_without_dropping(
    brand: Brand, sim: Sim, engine: AsyncEngine
) -> None:
    await sim.client.set_rate_limit("tweets", limit=1, window_seconds=2)
    brand.ctx.delivery = type(brand.ctx.delivery)(rate_limit_inline_wait_seconds=0.1)
    await handle_reply_requested(brand.ctx, request(brand, "first"))
    second = request(brand, "second")
    with pytest.raises(RetryLaterError):  # the consumer retries this without limit
        await handle_reply_requested(brand.ctx, second)
    assert str(second.payload.message_id) not in await results(engine)
    for _ in range(100):
        try:
            await handle_reply_requested(brand.ctx, second)
            break
        except RetryLaterError:
            continue
    assert (await results(engine))[str(second.payload.message_id)]["type"] == "reply.sent"
    assert len((await sim.client.sent(brand.account)).tweets) == 2


async def test_revoked_token_deauthorizes_the_channel_and_fails_the_reply(
    brand: Brand, sim: Sim, engine: AsyncEngine
) -> None:
    await sim.client.revoke_app(brand.account)
    event = request(brand, "anyone there?")
    await handle_reply_requested(brand.ctx, event)
    result = (await results(engine))[str(event.payload.message_id)]
    assert result["type"] == "reply.failed"
    assert result["payload"]["reason"] == "channel_deauthorized"
    async with engine.connect() as connection:
        status = await connection.scalar(select(tables.channels.c.status))
        snapshots = (
            await connection.execute(
                select(tables.outbox.c.value).where(tables.outbox.c.topic == "channels.v1")
            )
        ).all()
    assert status == "deauthorized"
    assert [json.loads(s.value)["payload"]["change"] for s in snapshots] == [
        "connected",
        "deauthorized",
    ]
    later = request(brand, "still?")
    await handle_reply_requested(brand.ctx, later)
    assert (await results(engine))[str(later.payload.message_id)]["payload"][
        "reason"
    ] == "channel_deauthorized"


async def test_duplicate_content_fails_without_retrying(
    brand: Brand, sim: Sim, engine: AsyncEngine
) -> None:
    first, second = request(brand, "Same words"), request(brand, "Same words")
    await handle_reply_requested(brand.ctx, first)
    await handle_reply_requested(brand.ctx, second)
    found = await results(engine)
    assert found[str(second.payload.message_id)]["payload"]["reason"] == "duplicate_content"
    assert len((await sim.client.sent(brand.account)).tweets) == 1


@pytest.mark.parametrize("reconcile", ["simulator", "none"])
async def test_a_crash_mid_batch_sends_nothing_twice_and_loses_nothing(
    *,
    brand: Brand,
    sim: Sim,
    engine: AsyncEngine,
    database_url: str,
    keys: list[str],
    reconcile: str,
) -> None:
    batch = [request(brand, f"reply {n}") for n in range(4)]
    crashing = brand.ctx
    crashing.twitter = CrashAfterSending(crashing.twitter, crash_on="reply 1")
    await handle_reply_requested(crashing, batch[0])
    with pytest.raises(Crash):
        await handle_reply_requested(crashing, batch[1])
    # Restarted (with rotated keys: the old one still decrypts): the uncommitted offsets
    # redeliver the batch from where the committed position was, or the whole of it.
    restarted = context(engine, database_url, [keys[1], keys[0]], sim, reconcile=reconcile)
    for event in batch:
        await handle_reply_requested(restarted, event)
    sent = await sim.client.sent(brand.account)
    texts = [t.text.removeprefix("@customer_out ") for t in sent.tweets]
    assert sorted(texts) == [f"reply {n}" for n in range(4)]  # each exactly once
    found = await results(engine)
    assert set(found) == {str(e.payload.message_id) for e in batch}  # none lost
    crashed = found[str(batch[1].payload.message_id)]
    if reconcile == "simulator":
        assert crashed["type"] == "reply.sent"
        assert crashed["payload"]["twitter_id"] == sent.tweets[1].id
    else:
        assert crashed["type"] == "reply.failed"
        assert crashed["payload"]["reason"] == "gave_up_retrying"
