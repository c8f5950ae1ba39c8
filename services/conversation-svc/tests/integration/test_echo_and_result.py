"""A reply's `sent` result and the account's echo of it, over the real broker and PostgreSQL.

channel-svc's result (`replies.results.v1`) and the echo (`twitter.activity.v1`) travel on
different topics, so either may come first. Both carry the Twitter id of the post; the echo's
text is what Twitter made of the reply (the replied-to @handle in front, the link shortened
to t.co, whitespace collapsed). Whichever comes first, and however often each is delivered,
the reply is one outbound message, confirmed once, with the same conversations.v1 events
and nothing dead-lettered.
"""

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from switchboard_contracts.enums import ActorKind, ChannelRole
from switchboard_contracts.envelope import Actor, Event, Subject, twitter_event_id
from switchboard_contracts.events.twitter import TweetDeleted, TweetDeletedPayload
from switchboard_contracts.topics import (
    CHANNELS,
    CONVERSATIONS,
    REPLIES_RESULTS,
    TWITTER_ACTIVITY,
    Topic,
)
from switchboard_conversation.adapters import tables
from switchboard_conversation.bootstrap import create_app
from switchboard_conversation.service_layer import replies, twitter_activity
from switchboard_conversation.service_layer.context import Caller, ConversationContext
from switchboard_conversation.settings import ConversationSettings
from switchboard_platform.auth.claims import Principal, TokenKind
from switchboard_platform.auth.settings import AuthSettings
from switchboard_platform.auth.signing import TokenSigner, generate_signing_key
from switchboard_platform.db.engine import create_engine
from switchboard_platform.db.migrations import upgrade
from switchboard_platform.kafka.broker import EventPublisher, build_broker
from switchboard_platform.settings import DatabaseSettings, KafkaSettings
from switchboard_testing.builders import channel_snapshot, reply_failed, reply_sent, tweet_received
from switchboard_testing.kafka import read_all
from switchboard_testing.waiting import eventually

from .support import MIGRATIONS, FakeAccess, MovableClock

pytestmark = pytest.mark.integration
ACCOUNT = "3200000001"
REPLY = "Thanks  for waiting!\nTrack your order here: https://example.com/orders/12345?ref=care&x=1"
ECHO = "@customer Thanks for waiting! Track your order here: https://t.co/Ab3dEf9hIj"
Order = Literal["echo first", "result first"]


@dataclass
class Service:
    context: ConversationContext
    publisher: EventPublisher
    engine: AsyncEngine
    kafka: KafkaSettings
    group: str
    org: uuid.UUID = field(default_factory=uuid.uuid4)
    channel: uuid.UUID = field(default_factory=uuid.uuid4)
    agent: uuid.UUID = field(default_factory=uuid.uuid4)

    async def publish(self, topic: Topic, event: Event[Any], key: str) -> None:
        await self.publisher.publish(topic, event, key=key)

    async def scalar(self, statement: Any) -> Any:
        async with self.engine.connect() as connection:
            return await connection.scalar(statement)

    async def processed(self, consumer: str, event_id: uuid.UUID) -> None:
        p = tables.processed_events.c
        done = select(func.count()).where(p.consumer == consumer, p.event_id == event_id)

        async def probe() -> bool | None:
            return True if await self.scalar(done) else None

        await eventually(f"{consumer} processed {event_id}", probe)

    def caller(self) -> Caller:
        principal = Principal(
            org_id=self.org, subject=str(self.agent), kind=TokenKind.USER, org_role=None
        )
        return Caller(principal, "token")


@pytest.fixture
async def service(
    fresh_database_url: str, kafka_bootstrap_servers: str, topic_prefix: str
) -> AsyncIterator[Service]:
    upgrade(MIGRATIONS, fresh_database_url)
    signer = TokenSigner(generate_signing_key(), issuer="https://id.test", audience="sb")
    kafka = KafkaSettings(bootstrap_servers=kafka_bootstrap_servers, topic_prefix=topic_prefix)
    group = f"conversation-echo-{uuid.uuid4().hex[:8]}"
    access = FakeAccess()
    app = create_app(
        ConversationSettings(
            database=DatabaseSettings(url=fresh_database_url),
            kafka=kafka,
            auth=AuthSettings(
                issuer="https://id.test",
                audience="sb",
                jwks=json.dumps(signer.jwks()),
                jwks_url=None,
            ),
            consumer_group=group,
            sweep_enabled=False,
        ),
        access=access,
        clock=MovableClock(),
    )
    broker = build_broker(kafka, client_id="echo-test")
    engine = create_engine(fresh_database_url)
    try:
        async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
            await broker.start()
            try:
                found = Service(
                    app.state.context, EventPublisher(broker, kafka), engine, kafka, group
                )
                access.roles[(found.agent, found.channel)] = ChannelRole.CONTRIBUTOR
                snapshot = channel_snapshot(
                    org_id=found.org, channel_id=found.channel, account_id=ACCOUNT
                )
                await found.publish(CHANNELS, snapshot, str(found.channel))
                # This test's channel: the session's topics hold other tests' channels too.
                known = select(func.count()).where(tables.channels.c.id == found.channel)

                async def connected() -> bool | None:
                    return True if await found.scalar(known) else None

                await eventually(
                    "the channel known", connected
                )  # snapshots are kept by revision, not by event id
                yield found
            finally:
                await broker.stop()
    finally:
        await engine.dispose()


async def replied_to(service: Service, customer: str, tweet_id: str) -> tuple[uuid.UUID, uuid.UUID]:
    """A customer tweets, an agent replies: (conversation id, the reply's message id)."""
    tweet = tweet_received(
        tweet_id=tweet_id, customer_id=customer, account_id=ACCOUNT, created_at=datetime.now(UTC)
    )
    await service.publish(TWITTER_ACTIVITY, tweet, f"{ACCOUNT}:{customer}")
    await service.processed(twitter_activity.CONSUMER, tweet.event_id)
    c = tables.conversations.c
    conversation_id = await service.scalar(select(c.id).where(c.customer_id == customer))
    _, message = await replies.reply(
        service.context, service.caller(), conversation_id, replies.Reply(text=REPLY)
    )
    return conversation_id, message.id


async def settled(service: Service, customer: str, conversation_id: uuid.UUID) -> None:
    """Whatever is still in flight for this conversation on either topic has been handled
    (a partition is consumed in order: a later event behind it shows it), and the outbox
    has published every event."""
    marker = TweetDeleted(
        event_id=twitter_event_id(ACCOUNT, "tweet_delete", uuid.uuid4().hex[:8]),
        occurred_at=datetime.now(UTC),
        org_id=None,
        producer="ingest-svc",
        actor=Actor(kind=ActorKind.TWITTER_ACCOUNT, id=customer),
        correlation_id=uuid.uuid4(),
        subject=Subject(twitter_account_id=ACCOUNT),
        payload=TweetDeletedPayload(
            account_id=ACCOUNT, tweet_id="1", user_id=customer, deleted_at=datetime.now(UTC)
        ),
    )
    unknown_reply = reply_failed(
        org_id=service.org, conversation_id=conversation_id, message_id=uuid.uuid4()
    )
    await service.publish(TWITTER_ACTIVITY, marker, f"{ACCOUNT}:{customer}")
    await service.publish(REPLIES_RESULTS, unknown_reply, str(conversation_id))
    await service.processed(twitter_activity.CONSUMER, marker.event_id)
    await service.processed(replies.CONSUMER, unknown_reply.event_id)

    async def outbox_empty() -> bool | None:
        return True if await service.scalar(select(func.count(tables.outbox.c.id))) == 0 else None

    await eventually("the outbox empty", outbox_empty)


async def echo_and_result(
    service: Service, order: Order, customer: str, tweet_id: str
) -> uuid.UUID:
    """The reply's echo and its result in `order`, each delivered more than once."""
    conversation_id, message_id = await replied_to(service, customer, tweet_id)
    posted = str(int(tweet_id) + 1)  # the id Twitter gave the reply
    echo = tweet_received(
        tweet_id=posted,
        customer_id=customer,
        account_id=ACCOUNT,
        text=ECHO,
        from_account=True,
        created_at=datetime.now(UTC),
    )

    def sent() -> Event[Any]:  # each call: the result published anew, with another event id
        return reply_sent(
            org_id=service.org,
            conversation_id=conversation_id,
            message_id=message_id,
            twitter_id=posted,
        )

    async def echoes() -> None:
        await service.publish(TWITTER_ACTIVITY, echo, f"{ACCOUNT}:{customer}")
        await service.processed(twitter_activity.CONSUMER, echo.event_id)
        await service.publish(TWITTER_ACTIVITY, echo, f"{ACCOUNT}:{customer}")  # redelivered

    async def results() -> None:
        result = sent()
        await service.publish(REPLIES_RESULTS, result, str(conversation_id))
        await service.processed(replies.CONSUMER, result.event_id)
        await service.publish(REPLIES_RESULTS, result, str(conversation_id))  # redelivered
        await service.publish(REPLIES_RESULTS, sent(), str(conversation_id))  # published again

    first, then = (echoes, results) if order == "echo first" else (results, echoes)
    await first()
    await settled(service, customer, conversation_id)
    if order == "echo first":  # unseen until the result says what it is
        h, m = tables.held_echoes.c, tables.messages.c
        held = select(h.twitter_id).where(h.conversation_id == conversation_id)
        assert await service.scalar(held) == posted
        posted_message = select(func.count()).where(m.twitter_id == posted)
        assert await service.scalar(posted_message) == 0
    await then()
    await settled(service, customer, conversation_id)
    return conversation_id


def shape(event: dict[str, Any], tweet_id: str) -> tuple[Any, ...]:
    """What a subscriber learns from an event, without ids and times that differ anyway
    (the customer's tweet is `tweet_id`, the reply was posted as the next id)."""
    names = {tweet_id: "tweet", str(int(tweet_id) + 1): "posted"}
    payload = event["payload"]
    revision = payload["conversation"]["revision"]
    if event["type"] == "conversation.message_added":
        message = payload["message"]
        return (
            revision,
            event["type"],
            message["direction"],
            message["author_user_id"] is not None,
            message["delivery_state"],
            names.get(message["twitter_id"], message["twitter_id"]),
            message["text"],
        )
    if event["type"] == "conversation.message_delivery_changed":
        return (
            revision,
            event["type"],
            payload["delivery_state"],
            names.get(payload["twitter_id"], payload["twitter_id"]),
        )
    return (revision, event["type"])


async def test_echo_and_result_in_either_order_are_one_confirmed_reply(service: Service) -> None:
    orders: dict[Order, tuple[str, str]] = {
        "echo first": ("9101", "7100000000"),
        "result first": ("9102", "7200000000"),
    }
    conversations = {
        order: await echo_and_result(service, order, customer, tweet_id)
        for order, (customer, tweet_id) in orders.items()
    }

    m = tables.messages.c
    for order, conversation_id in conversations.items():
        posted = str(int(orders[order][1]) + 1)
        async with service.engine.connect() as connection:
            stored = (
                await connection.execute(
                    select(m.direction, m.author_user_id, m.delivery_state, m.twitter_id, m.text)
                    .where(m.conversation_id == conversation_id)
                    .order_by(m.created_at)
                )
            ).all()
        assert [tuple(row) for row in stored] == [
            ("inbound", None, None, orders[order][1], "@ScruffyMcG help"),
            ("outbound", service.agent, "sent", posted, REPLY),
        ], order
        h = tables.held_echoes.c
        held = select(func.count()).where(h.conversation_id == conversation_id)
        assert await service.scalar(held) == 0, order

    published = await read_all(
        service.kafka.bootstrap_servers, service.publisher.topic_name(CONVERSATIONS)
    )
    shapes = {
        order: [
            shape(m["value"], orders[order][1])
            for m in published
            if m["value"]["subject"]["conversation_id"] == str(conversation_id)
        ]
        for order, conversation_id in conversations.items()
    }
    assert shapes["echo first"] == shapes["result first"]
    assert [s[1] for s in shapes["echo first"]] == [
        "conversation.created",
        "conversation.message_added",
        "conversation.message_added",
        "conversation.owner_changed",
        "conversation.message_delivery_changed",
    ]
    assert shapes["echo first"][-1][2:] == ("sent", "posted")

    letters = [
        letter
        for topic in (TWITTER_ACTIVITY, REPLIES_RESULTS)
        for letter in await read_all(
            service.kafka.bootstrap_servers, f"{service.kafka.topic_prefix}{topic.dlq}"
        )
        if letter["value"]["payload"]["consumer_group"] == service.group
    ]
    assert letters == []
