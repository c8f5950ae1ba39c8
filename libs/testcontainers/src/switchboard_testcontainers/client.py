"""What a test does with a running Switchboard, through its public interfaces only: the
services' HTTP APIs (tokens from access-svc's development issuer), the Twitter simulator,
and the public topic `conversations.v1`.

    async with SwitchboardClient(switchboard) as api:
        org = await api.create_organization()
        channel = await api.connect_twitter_channel(org, "acme_support")
        tweet = await api.customer_tweets(channel, "jane", "my order is late")
        created = await api.conversation_event(
            lambda e: e.payload.conversation.customer.id == tweet.author_id
        )
"""

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
from aiokafka import AIOKafkaConsumer

from switchboard_contracts.envelope import Event
from switchboard_contracts.topics import CONVERSATIONS
from switchboard_testcontainers.system import Switchboard
from switchboard_testcontainers.wiring import SwitchboardUrls
from switchboard_twitter_sim.client import SimulatorClient
from switchboard_twitter_sim.control_models import SimTweet, SimUser

T = TypeVar("T")


class SwitchboardCallError(AssertionError):
    """A call to Switchboard did not answer as expected (the message says which)."""


@dataclass(frozen=True)
class Organization:
    id: uuid.UUID
    admin_id: uuid.UUID
    admin: dict[str, str]  # the admin's request headers (a bearer token)


@dataclass(frozen=True)
class Channel:
    id: uuid.UUID
    organization: Organization
    account: SimUser  # the brand's Twitter account


def _json(response: httpx.Response, status: int, what: str) -> Any:
    if response.status_code != status:
        raise SwitchboardCallError(
            f"{what}: expected {status}, got {response.status_code} "
            f"({response.request.method} {response.request.url}): {response.text[:500]}"
        )
    return response.json() if response.content else None


async def eventually(
    what: str, probe: Callable[[], Awaitable[T | None]], within: float = 30.0
) -> T:
    """`probe()` until it returns something other than None."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = await probe()
        if found is not None:
            return found
        await asyncio.sleep(0.1)
    raise SwitchboardCallError(f"{what}: not within {within:.0f}s")


class SwitchboardClient:
    def __init__(self, switchboard: Switchboard | SwitchboardUrls, **kafka: str) -> None:
        """From a running `Switchboard`, or from URLs and `kafka_bootstrap_servers=`,
        `topic_prefix=` for a Switchboard running elsewhere."""
        if isinstance(switchboard, Switchboard):
            self.urls = switchboard.urls
            self.kafka_bootstrap_servers = switchboard.kafka_bootstrap_servers
            self.topic_prefix = switchboard.topic_prefix
        else:
            self.urls = switchboard
            self.kafka_bootstrap_servers = kafka["kafka_bootstrap_servers"]
            self.topic_prefix = kafka.get("topic_prefix", "")
        self.access = httpx.AsyncClient(base_url=self.urls.access, timeout=30)
        self.channels = httpx.AsyncClient(base_url=self.urls.channel, timeout=30)
        self.conversations = httpx.AsyncClient(base_url=self.urls.conversation, timeout=30)
        self.twitter = SimulatorClient(self.urls.twitter)
        self._browser = httpx.AsyncClient(timeout=30)  # follows no redirects, like a test

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for client in (self.access, self.channels, self.conversations, self._browser):
            await client.aclose()
        await self.twitter.aclose()

    @property
    def conversations_topic(self) -> str:
        return f"{self.topic_prefix}{CONVERSATIONS.name}"

    async def token(
        self, organization_id: uuid.UUID, user_id: uuid.UUID, org_role: str = "agent"
    ) -> dict[str, str]:
        """Request headers for a user, from access-svc's development issuer."""
        response = await self.access.post(
            "/v1/dev/tokens",
            json={"org_id": str(organization_id), "user_id": str(user_id), "org_role": org_role},
        )
        body = _json(response, 200, "a token from the development issuer")
        return {"authorization": f"Bearer {body['access_token']}"}

    async def create_organization(self, admin_email: str | None = None) -> Organization:
        """A new organization and its first admin (as the identity provider would make it)."""
        org = uuid.uuid4()
        founder = await self.token(org, uuid.uuid4(), "admin")
        user = _json(
            await self.access.post(
                "/v1/users",
                json={
                    "email": admin_email or f"admin-{org.hex[:8]}@example.com",
                    "display_name": "Admin",
                    "org_role": "admin",
                },
                headers=founder,
            ),
            201,
            "create the organization's admin",
        )
        admin_id = uuid.UUID(user["id"])
        return Organization(org, admin_id, await self.token(org, admin_id, "admin"))

    async def connect_twitter_channel(
        self, organization: Organization, screen_name: str | None = None
    ) -> Channel:
        """Add Channel -> Twitter -> Authorize app, as the admin, approved on the simulator
        as a new brand account; returns once every service knows the channel."""
        account = await self.twitter.create_user(
            screen_name or f"brand_{uuid.uuid4().hex[:8]}", name="Brand Support"
        )
        started = _json(
            await self.channels.post(
                "/v1/channels/twitter/authorizations", headers=organization.admin
            ),
            201,
            "start the Twitter authorization",
        )
        await self.twitter.script_authorization(approve_as=account)
        page = await self._browser.get(started["authorization_url"])
        if page.status_code != httpx.codes.FOUND:
            raise SwitchboardCallError(f"Twitter did not redirect back: {page.status_code}")
        connected = _json(await self._browser.get(page.headers["location"]), 200, "OAuth callback")
        channel_id = connected["channel"]["id"]

        async def known_to_access() -> bool | None:
            listed = await self.access.get("/v1/channels", headers=organization.admin)
            return True if channel_id in {c["id"] for c in listed.json()} else None

        async def known_to_conversations() -> bool | None:  # 404 until it consumed it
            listed = await self.conversations.get(
                f"/v1/channels/{channel_id}/conversations", headers=organization.admin
            )
            return True if listed.status_code == httpx.codes.OK else None

        await eventually("access-svc knows the channel", known_to_access)
        await eventually("conversation-svc knows the channel", known_to_conversations)
        return Channel(uuid.UUID(channel_id), organization, account)

    async def customer_tweets(
        self, channel: Channel, customer: str | SimUser, text: str
    ) -> SimTweet:
        """A customer (a new Twitter user when given a name) mentions the channel's account;
        returns once the simulator delivered the webhook to ingest-svc."""
        if isinstance(customer, str):
            customer = await self.twitter.create_user(f"{customer}_{uuid.uuid4().hex[:6]}")
        return await self.twitter.mention(customer, channel.account, text)

    async def conversation_events(
        self, done: Callable[[list[Event[Any]]], bool], *, within: float = 30.0
    ) -> list[Event[Any]]:
        """`conversations.v1` from the beginning, as typed events, until `done(events so
        far)` holds."""
        consumer = AIOKafkaConsumer(
            self.conversations_topic,
            bootstrap_servers=self.kafka_bootstrap_servers,
            group_id=f"testcontainers-{uuid.uuid4().hex}",
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await consumer.start()
        seen: list[Event[Any]] = []
        try:
            async with asyncio.timeout(within):
                while not done(seen):
                    batch = await consumer.getmany(timeout_ms=200)
                    for records in batch.values():
                        seen.extend(CONVERSATIONS.parse(r.value) for r in records if r.value)
        except TimeoutError:
            types = [event.type for event in seen]
            raise SwitchboardCallError(
                f"{self.conversations_topic}: not done within {within:.0f}s; saw {types}"
            ) from None
        finally:
            await consumer.stop()
        return seen

    async def conversation_event(
        self, matches: Callable[[Event[Any]], bool], *, within: float = 30.0
    ) -> Event[Any]:
        """The first event on `conversations.v1` that `matches`."""
        events = await self.conversation_events(
            lambda seen: any(matches(e) for e in seen), within=within
        )
        return next(e for e in events if matches(e))
