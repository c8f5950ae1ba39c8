"""What the end-to-end tests that interrupt conversation-svc mid-stream share: a burst of
customer tweets. (An organization driven over HTTP is `switchboard_testing.organization`.)"""

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import create_engine, text

from switchboard_contracts.topics import CHANNELS, CONVERSATIONS, TWITTER_ACTIVITY
from switchboard_platform.kafka.broker import EventPublisher, OutgoingRecord, encode
from switchboard_testing.builders import channel_snapshot, tweet_received
from switchboard_testing.kafka import consume_until, read_all

# A burst of tweets for conversation-svc alone ----------------------------------------------
TWEETS = 1500  # each a new customer's first tweet: a conversation, two events; enough that
# the service (hundreds a second, see bench/) is still at work when it is interrupted
# Topics and the database server are shared by the session's tests: count only this
# test's organization.
OURS_MESSAGES = (
    "SELECT count({}) FROM messages m JOIN conversations c ON c.id = m.conversation_id"
    " WHERE c.org_id = :org"
)


class Stored(NamedTuple):
    conversations: int
    messages: int
    distinct_twitter_ids: int
    outbox: int


@dataclass
class TweetBurst:
    """A channel of a new organization for `account`, and TWEETS first tweets from as many
    customers (ids counted up from `tweet_ids` and `customer_ids`)."""

    publisher: EventPublisher
    kafka_bootstrap_servers: str
    account: str
    tweet_ids: int
    customer_ids: int

    def __post_init__(self) -> None:
        self.org_id = uuid.uuid4()
        self.tweets = [
            tweet_received(
                tweet_id=str(self.tweet_ids + i),
                customer_id=str(self.customer_ids + i),
                account_id=self.account,
            )
            for i in range(TWEETS)
        ]
        self.events_topic = self.publisher.topic_name(CONVERSATIONS)

    async def connect(self) -> None:
        snapshot = channel_snapshot(org_id=self.org_id, account_id=self.account)
        await self.publisher.publish(CHANNELS, snapshot, key=str(snapshot.payload.channel_id))

    async def send_and_await_the_first_events(self) -> None:
        """Publish every tweet at once; return when the service has handled a few."""
        topic = self.publisher.topic_name(TWITTER_ACTIVITY)
        await self.publisher.publish_batch(
            [
                OutgoingRecord(topic, f"{self.account}:{t.payload.customer_id}", encode(t), t.type)
                for t in self.tweets
            ]
        )
        await consume_until(
            self.kafka_bootstrap_servers,
            self.events_topic,
            lambda seen: len(self.ours(seen)) >= 10,
            within=60,
        )

    def ours(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The events of this organization among what was read from conversations.v1."""
        return [
            m["value"]
            for m in messages
            if isinstance(m["value"], dict) and m["value"].get("org_id") == str(self.org_id)
        ]

    async def events(self) -> list[dict[str, Any]]:
        """Every event of ours on conversations.v1 so far, repeats included."""
        return self.ours(await read_all(self.kafka_bootstrap_servers, self.events_topic))

    async def every_event(self) -> list[dict[str, Any]]:
        """Every event of ours, once one per change (2 x TWEETS distinct ids) has arrived,
        and whatever was repeated right behind them."""
        await consume_until(
            self.kafka_bootstrap_servers,
            self.events_topic,
            lambda seen: len({e["event_id"] for e in self.ours(seen)}) >= 2 * TWEETS,
            within=120,
        )
        await asyncio.sleep(2)  # anything duplicated would arrive right behind
        return await self.events()

    def stored(self, database_url: str) -> Stored:
        engine = create_engine(database_url)
        org = {"org": self.org_id}
        with engine.connect() as connection:
            found = Stored(
                conversations=connection.scalar(
                    text("SELECT count(*) FROM conversations WHERE org_id = :org"), org
                ),
                messages=connection.scalar(text(OURS_MESSAGES.format("*")), org),
                distinct_twitter_ids=connection.scalar(
                    text(OURS_MESSAGES.format("DISTINCT m.twitter_id")), org
                ),
                outbox=connection.scalar(text("SELECT count(*) FROM outbox")),
            )
        engine.dispose()
        return found
