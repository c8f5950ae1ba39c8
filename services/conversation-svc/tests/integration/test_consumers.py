"""Each consumer against real PostgreSQL: its effect, and that redelivery changes nothing."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from switchboard_contracts.enums import ActorKind, ChannelRole, PrincipalKind
from switchboard_contracts.envelope import Actor, Subject, twitter_event_id
from switchboard_contracts.events.access import GrantChanged, GrantChangedPayload
from switchboard_contracts.events.twitter import TweetDeleted, TweetDeletedPayload
from switchboard_conversation.adapters import tables
from switchboard_conversation.service_layer.access_events import handle_access_event
from switchboard_conversation.service_layer.channels import handle_channel_snapshot
from switchboard_conversation.service_layer.replies import Reply, handle_reply_result, reply
from switchboard_conversation.service_layer.twitter_activity import handle_activity
from switchboard_testing.builders import (
    channel_snapshot,
    direct_message_received,
    reply_failed,
    reply_sent,
    tweet_received,
)

from .world import ACCOUNT, CUSTOMER, World, own_tweet, started_with_reply, twice

pytestmark = pytest.mark.integration
T0 = datetime(2026, 1, 1, tzinfo=UTC)


async def test_a_dm_creates_a_conversation_once_and_replies_default_to_dm(world: World) -> None:
    dm = direct_message_received(dm_id="900", customer_id=CUSTOMER, account_id=ACCOUNT)
    await handle_activity(world.uow(), dm)
    outbox = await world.count(tables.outbox)
    await handle_activity(world.uow(), dm)
    assert await world.count(tables.messages) == 1
    assert await world.count(tables.outbox) == outbox
    row = await world.conversation()
    assert row.last_customer_kind == "direct_message"
    _, message = await reply(world.context, world.caller, row.id, Reply(text="Hi there"))
    assert message.kind.value == "direct_message"
    assert message.in_reply_to_tweet_id is None


async def test_tweet_reply_goes_to_the_customers_latest_tweet(world: World) -> None:
    for i, tweet_id in enumerate(["101", "102"]):
        await handle_activity(
            world.uow(),
            tweet_received(
                tweet_id=tweet_id,
                customer_id=CUSTOMER,
                account_id=ACCOUNT,
                created_at=T0 + timedelta(minutes=i),
            ),
        )
    row = await world.conversation()
    _, message = await reply(world.context, world.caller, row.id, Reply(text="Looking"))
    assert (message.kind.value, message.in_reply_to_tweet_id) == ("tweet", "102")
    assert (await world.conversation()).owner_id == world.agent  # auto-ownership on


async def test_reply_sent_redelivered_changes_nothing(world: World) -> None:
    conversation_id, message_id = await started_with_reply(world)
    sent = reply_sent(
        org_id=world.org, conversation_id=conversation_id, message_id=message_id, twitter_id="555"
    )
    await handle_reply_result(world.uow(), sent)
    outbox, revision = await world.count(tables.outbox), (await world.conversation()).revision
    await handle_reply_result(world.uow(), sent)
    assert (await world.count(tables.outbox), (await world.conversation()).revision) == (
        outbox,
        revision,
    )
    stored = await world.message(message_id)
    assert (stored.delivery_state, stored.twitter_id) == ("sent", "555")


async def test_reply_failed_keeps_the_reason(world: World) -> None:
    conversation_id, message_id = await started_with_reply(world)
    failed = reply_failed(org_id=world.org, conversation_id=conversation_id, message_id=message_id)
    await twice(handle_reply_result, world.uow(), failed)
    stored = await world.message(message_id)
    assert (stored.delivery_state, stored.failure_reason) == ("failed", "duplicate_content")


async def test_echo_before_the_result_confirms_the_reply_not_a_new_message(world: World) -> None:
    conversation_id, message_id = await started_with_reply(world)
    echo = own_tweet("777", "On it")
    await twice(handle_activity, world.uow(), echo)
    assert await world.count(tables.held_echoes) == 1
    sent = reply_sent(
        org_id=world.org, conversation_id=conversation_id, message_id=message_id, twitter_id="777"
    )
    await handle_reply_result(world.uow(), sent)
    assert await world.count(tables.messages) == 2  # the customer's tweet and the reply
    assert await world.count(tables.held_echoes) == 0
    stored = await world.message(message_id)
    assert (stored.delivery_state, stored.twitter_id) == ("sent", "777")


async def test_a_dm_echo_first_is_the_reply_its_result_names_whatever_its_text(
    world: World,
) -> None:
    await handle_activity(
        world.uow(), direct_message_received(dm_id="900", customer_id=CUSTOMER, account_id=ACCOUNT)
    )
    conversation_id = (await world.conversation()).id
    _, message = await reply(
        world.context, world.caller, conversation_id, Reply(text="See https://example.com/a  ok")
    )
    echo = direct_message_received(
        dm_id="901",
        customer_id=CUSTOMER,
        account_id=ACCOUNT,
        text="See https://t.co/x1y2z3 ok",
        from_account=True,
    )
    await twice(handle_activity, world.uow(), echo)
    outbox = await world.count(tables.outbox)
    assert await world.count(tables.messages) == 2  # nothing shown yet
    sent = reply_sent(
        org_id=world.org, conversation_id=conversation_id, message_id=message.id, twitter_id="901"
    )
    await twice(handle_reply_result, world.uow(), sent)
    again = reply_sent(  # the same result published again: another event id
        org_id=world.org, conversation_id=conversation_id, message_id=message.id, twitter_id="901"
    )
    await handle_reply_result(world.uow(), again)
    await handle_activity(world.uow(), echo)
    assert await world.count(tables.outbox) == outbox + 1  # the delivery change, once
    assert await world.count(tables.messages) == 2
    stored = await world.message(message.id)
    assert (stored.delivery_state, stored.twitter_id) == ("sent", "901")


async def test_a_post_from_the_twitter_app_is_stored_as_sent_without_agent(world: World) -> None:
    await handle_activity(
        world.uow(), tweet_received(tweet_id="101", customer_id=CUSTOMER, account_id=ACCOUNT)
    )
    own = own_tweet("888", "typed on the phone")
    await twice(handle_activity, world.uow(), own)
    m = tables.messages.c
    assert (
        await world.count(tables.messages, m.twitter_id == "888", m.author_user_id.is_(None)) == 1
    )


async def published(world: World, conversation_id: uuid.UUID) -> list[tuple[str, str]]:
    """(type, actor) of the conversation's events, in order."""
    h = tables.history.c
    async with world.engine.connect() as connection:
        found = await connection.execute(
            select(h.type, h.actor_kind)
            .where(h.conversation_id == conversation_id)
            .order_by(h.revision)
        )
        return [(row.type, row.actor_kind) for row in found]


@pytest.mark.parametrize("result", ["sent", "failed"])
async def test_a_post_from_the_app_while_a_reply_awaits_its_result_is_shown_after_it(
    world: World, result: str
) -> None:
    conversation_id, message_id = await started_with_reply(world)
    own = own_tweet("888", "typed on the phone")
    await twice(handle_activity, world.uow(), own)
    assert await world.count(tables.messages) == 2  # held: it may be the reply
    outcome = (
        reply_sent(
            org_id=world.org,
            conversation_id=conversation_id,
            message_id=message_id,
            twitter_id="777",
        )
        if result == "sent"
        else reply_failed(org_id=world.org, conversation_id=conversation_id, message_id=message_id)
    )
    await twice(handle_reply_result, world.uow(), outcome)
    await handle_activity(world.uow(), own)
    m = tables.messages.c
    assert (
        await world.count(tables.messages, m.twitter_id == "888", m.author_user_id.is_(None)) == 1
    )
    assert await world.count(tables.held_echoes) == 0
    # As if the post had come after the result: its own event, by the account.
    assert (await published(world, conversation_id))[-2:] == [
        ("conversation.message_delivery_changed", "service"),
        ("conversation.message_added", "twitter_account"),
    ]


async def test_an_echo_stored_before_echoes_were_held_is_merged_into_its_reply(
    world: World,
) -> None:
    """What a version that stored such an echo at once left behind (its result was
    dead-lettered then): the result, delivered again, makes it one message."""
    await handle_activity(
        world.uow(), tweet_received(tweet_id="101", customer_id=CUSTOMER, account_id=ACCOUNT)
    )
    echo = own_tweet("777", "@c On it")
    await handle_activity(world.uow(), echo)  # no reply awaits: stored as a post from the app
    conversation_id = (await world.conversation()).id
    _, message = await reply(world.context, world.caller, conversation_id, Reply(text="On it"))
    sent = reply_sent(
        org_id=world.org, conversation_id=conversation_id, message_id=message.id, twitter_id="777"
    )
    await twice(handle_reply_result, world.uow(), sent)
    m = tables.messages.c
    assert await world.count(tables.messages, m.direction == "outbound") == 1
    stored = await world.message(message.id)
    assert (stored.delivery_state, stored.twitter_id) == ("sent", "777")


async def test_deleted_tweet_is_marked_once(world: World) -> None:
    await handle_activity(
        world.uow(), tweet_received(tweet_id="101", customer_id=CUSTOMER, account_id=ACCOUNT)
    )
    deletion = TweetDeleted(
        event_id=twitter_event_id(ACCOUNT, "tweet_delete", "101"),
        occurred_at=datetime.now(UTC),
        org_id=None,
        producer="ingest-svc",
        actor=Actor(kind=ActorKind.TWITTER_ACCOUNT, id=CUSTOMER),
        correlation_id=uuid.uuid4(),
        subject=Subject(twitter_account_id=ACCOUNT),
        payload=TweetDeletedPayload(
            account_id=ACCOUNT, tweet_id="101", user_id=CUSTOMER, deleted_at=datetime.now(UTC)
        ),
    )
    await handle_activity(world.uow(), deletion)
    outbox = await world.count(tables.outbox)
    await handle_activity(world.uow(), deletion)
    assert await world.count(tables.outbox) == outbox
    assert await world.count(tables.messages, tables.messages.c.deleted) == 1


async def test_channel_settings_are_kept_and_redelivery_is_harmless(world: World) -> None:
    snapshot = channel_snapshot(
        org_id=world.org,
        channel_id=world.channel,
        account_id=ACCOUNT,
        revision=2,
        auto_ownership=False,
    )
    await twice(handle_channel_snapshot, world.uow(), snapshot)
    async with world.engine.connect() as connection:
        row = (await connection.execute(select(tables.channels))).one()
    assert (row.revision, row.auto_ownership, row.new_after_seconds) == (2, False, 30 * 86400)


async def test_losing_access_removes_ownership_once(world: World) -> None:
    await started_with_reply(world)
    assert (await world.conversation()).owner_id == world.agent
    del world.access.roles[(world.agent, world.channel)]
    revoked = GrantChanged(
        event_id=uuid.uuid4(),
        occurred_at=datetime.now(UTC),
        org_id=world.org,
        producer="access-svc",
        actor=Actor(kind=ActorKind.USER, id=str(uuid.uuid4())),
        correlation_id=uuid.uuid4(),
        subject=Subject(channel_id=world.channel),
        payload=GrantChangedPayload(
            channel_id=world.channel,
            principal_kind=PrincipalKind.USER,
            principal_id=world.agent,
            role=None,
            previous_role=ChannelRole.CONTRIBUTOR,
        ),
    )
    await handle_access_event(world.context, revoked)
    outbox = await world.count(tables.outbox)
    await handle_access_event(world.context, revoked)
    assert await world.count(tables.outbox) == outbox
    assert (await world.conversation()).owner_id is None
    assert world.access.forgotten == [world.org, world.org]
    h = tables.history.c
    assert await world.count(tables.history, h.reason == "access_lost") == 1
