"""What the end-to-end tests share. The cross-service tests act through the public
interfaces, as a person would: an organization with its admin (tokens from the development
issuer), agents, a Twitter channel connected by OAuth on the simulator, grants. The tests
that interrupt conversation-svc mid-stream send it a burst of customer tweets."""

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any, NamedTuple, Self

import httpx
from sqlalchemy import create_engine, text

from switchboard_contracts.topics import CHANNELS, CONVERSATIONS, TWITTER_ACTIVITY
from switchboard_platform.kafka.broker import EventPublisher, OutgoingRecord, encode
from switchboard_testing.builders import channel_snapshot, tweet_received
from switchboard_testing.kafka import consume_until, read_all
from switchboard_testing.system import System
from switchboard_testing.waiting import eventually
from switchboard_twitter_sim.client import SimulatorClient
from switchboard_twitter_sim.control_models import SimUser

Headers = dict[str, str]


def unique(prefix: str) -> str:
    """A Twitter screen name (at most 15 characters) no other test uses."""
    return f"{prefix}_{uuid.uuid4().hex[:8]}"[:15]


class StaffedChannel(NamedTuple):
    brand: SimUser
    channel_id: str
    agent_id: uuid.UUID
    as_agent: Headers


class Org:
    """One organization of the shared system, driven over HTTP."""

    def __init__(self, system: System) -> None:
        self.id = uuid.uuid4()
        self.access = httpx.AsyncClient(base_url=system.access.base_url, timeout=30)
        self.channels = httpx.AsyncClient(base_url=system.channel.base_url, timeout=30)
        self.conversations = httpx.AsyncClient(base_url=system.conversation.base_url, timeout=30)
        self.admin: Headers = {}

    async def __aenter__(self) -> Self:
        # The identity provider's admin may only create the organization's first users:
        # the admin on record it creates is who acts from then on.
        founder = await self.token(uuid.uuid4(), "admin")
        created = await self.access.post(
            "/v1/users",
            json={
                "email": f"admin-{uuid.uuid4().hex[:8]}@example.com",
                "display_name": "Admin",
                "org_role": "admin",
            },
            headers=founder,
        )
        assert created.status_code == 201, created.text
        self.admin_id = uuid.UUID(created.json()["id"])
        self.admin = await self.token(self.admin_id, "admin")
        return self

    async def __aexit__(self, *_: object) -> None:
        for client in (self.access, self.channels, self.conversations):
            await client.aclose()

    async def token(self, user_id: uuid.UUID, org_role: str = "agent") -> Headers:
        response = await self.access.post(
            "/v1/dev/tokens",
            json={"org_id": str(self.id), "user_id": str(user_id), "org_role": org_role},
        )
        assert response.status_code == 200, response.text
        return {"authorization": f"Bearer {response.json()['access_token']}"}

    async def agent(self, name: str) -> tuple[uuid.UUID, Headers]:
        response = await self.access.post(
            "/v1/users",
            json={"email": f"{uuid.uuid4().hex[:10]}@example.com", "display_name": name},
            headers=self.admin,
        )
        assert response.status_code == 201, response.text
        user_id = uuid.UUID(response.json()["id"])
        return user_id, await self.token(user_id)

    async def connect(self, sim: SimulatorClient, account: SimUser) -> str:
        """Add Channel -> Twitter -> Authorize app, approved on the simulator; the channel
        id once access-svc and conversation-svc know it too."""
        started = await self.channels.post(
            "/v1/channels/twitter/authorizations", headers=self.admin
        )
        assert started.status_code == 201, started.text
        await sim.script_authorization(approve_as=account)
        async with httpx.AsyncClient() as browser:
            page = await browser.get(started.json()["authorization_url"])
            assert page.status_code == 302, page.text
            callback = await browser.get(page.headers["location"])
        assert callback.status_code == 200, callback.text
        channel_id = str(callback.json()["channel"]["id"])

        async def known() -> bool | None:
            listed = await self.access.get("/v1/channels", headers=self.admin)
            return True if channel_id in {c["id"] for c in listed.json()} else None

        async def listed() -> bool | None:  # conversation-svc answers 404 until it knows it
            response = await self.conversations.get(
                f"/v1/channels/{channel_id}/conversations", headers=self.admin
            )
            return True if response.status_code == httpx.codes.OK else None

        await eventually("access-svc knows the channel", known)
        await eventually("conversation-svc knows the channel", listed)
        return channel_id

    async def edit_channel(self, channel_id: str, settings: dict[str, Any]) -> dict[str, Any]:
        """PATCH the channel's settings in channel-svc; the saved channel once
        conversation-svc applies that revision (channels.v1 brings it a moment later)."""
        patched = await self.channels.patch(
            f"/v1/channels/{channel_id}", json=settings, headers=self.admin
        )
        assert patched.status_code == 200, patched.text
        saved: dict[str, Any] = patched.json()

        async def applied() -> bool | None:
            seen = await self.conversations.get(f"/v1/channels/{channel_id}", headers=self.admin)
            revision = seen.json()["revision"] if seen.status_code == httpx.codes.OK else 0
            return True if revision >= saved["revision"] else None

        await eventually("conversation-svc applies the channel's settings", applied)
        return saved

    async def staffed_channel(
        self, sim: SimulatorClient, *, agent: str = "Carl", role: str = "contributor"
    ) -> "StaffedChannel":
        """A new brand account connected as a channel, and a new agent granted `role` on it."""
        brand = await sim.create_user(unique("brand"))
        channel_id = await self.connect(sim, brand)
        agent_id, headers = await self.agent(agent)
        await self.grant(channel_id, agent_id, role)
        return StaffedChannel(brand, channel_id, agent_id, headers)

    async def grant(self, channel_id: str, user_id: uuid.UUID, role: str) -> None:
        response = await self.access.put(
            f"/v1/channels/{channel_id}/access/users/{user_id}",
            json={"role": role},
            headers=self.admin,
        )
        assert response.status_code == 200, response.text

    async def conversation_of(
        self, channel_id: str, customer: SimUser, headers: Headers
    ) -> dict[str, Any]:
        """The customer's conversation, once it is in the channel's queues."""

        async def probe() -> dict[str, Any] | None:
            for queue in ("new", "pending", "resolved"):
                response = await self.conversations.get(
                    f"/v1/channels/{channel_id}/conversations",
                    params={"queue": queue},
                    headers=headers,
                )
                assert response.status_code == 200, response.text
                for item in response.json()["items"]:
                    if item["customer"]["id"] == customer.id:
                        return dict(item)
            return None

        return await eventually(f"@{customer.screen_name}'s conversation", probe)


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
