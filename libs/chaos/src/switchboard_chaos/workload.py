"""The workload: organizations with Twitter channels and an agent each, set up through the
public APIs; customers whose tweets and DMs go through the simulator's signed webhooks at a
steady rate; the agents replying to a share of the conversations as they appear.

Every customer message carries a token (`m000123`) and every reply one (`r00042`), so the
checker can find each of them, once, wherever they ended up."""

import asyncio
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from switchboard_chaos.monitor import EventMonitor, Seen
from switchboard_twitter_sim.client import SimulatorClient
from switchboard_twitter_sim.control_models import SimUser

Headers = dict[str, str]
RETRY_FOR_SECONDS = 180.0  # an agent's client keeps trying through any one fault


@dataclass
class Brand:
    account: SimUser
    channel_id: str
    customers: list[SimUser] = field(default_factory=list)


@dataclass
class Organization:
    id: uuid.UUID
    admin: Headers
    agent: Headers
    brands: list[Brand] = field(default_factory=list)


@dataclass(frozen=True)
class SentMessage:
    token: str
    org_id: str
    account_id: str
    customer_id: str
    kind: str  # tweet or dm
    at: float  # seconds into the run (the monitor's clock)


@dataclass
class Reply:
    token: str
    org_id: str
    conversation_id: str
    account_id: str
    message_id: str | None = None  # once accepted (202)
    refused: str | None = None  # a final 4xx, or the client gave up: status and body
    attempts: int = 0


async def token(access: httpx.AsyncClient, org: uuid.UUID, user: uuid.UUID, role: str) -> Headers:
    response = await access.post(
        "/v1/dev/tokens", json={"org_id": str(org), "user_id": str(user), "org_role": role}
    )
    response.raise_for_status()
    return {"authorization": f"Bearer {response.json()['access_token']}"}


async def create_user(access: httpx.AsyncClient, admin: Headers, role: str | None) -> uuid.UUID:
    body: dict[str, Any] = {"email": f"{uuid.uuid4().hex[:12]}@example.com", "display_name": "A"}
    if role is not None:
        body["org_role"] = role
    response = await access.post("/v1/users", json=body, headers=admin)
    if response.status_code != httpx.codes.CREATED:
        raise RuntimeError(f"creating a user: {response.status_code} {response.text}")
    return uuid.UUID(response.json()["id"])


async def set_up(
    *,
    sim: SimulatorClient,
    access_url: str,
    channel_url: str,
    conversation_url: str,
    orgs: int,
    brands_per_org: int,
    customers: int,
    run_tag: str,
) -> list[Organization]:
    """Each organization: its admin, one agent (Contributor on every channel), its
    channels connected by OAuth on the simulator; the customers spread over the brands."""
    made: list[Organization] = []
    async with (
        httpx.AsyncClient(base_url=access_url, timeout=30) as access,
        httpx.AsyncClient(base_url=channel_url, timeout=30) as channels,
        httpx.AsyncClient(base_url=conversation_url, timeout=30) as conversations,
        httpx.AsyncClient(timeout=30) as browser,
    ):
        for o in range(orgs):
            org_id = uuid.uuid4()
            founder = await token(access, org_id, uuid.uuid4(), "admin")
            admin = await token(
                access, org_id, await create_user(access, founder, "admin"), "admin"
            )
            agent_id = await create_user(access, admin, None)
            org = Organization(org_id, admin, await token(access, org_id, agent_id, "agent"))
            for b in range(brands_per_org):
                account = await sim.create_user(f"b{run_tag}o{o}b{b}")
                started = await channels.post("/v1/channels/twitter/authorizations", headers=admin)
                started.raise_for_status()
                await sim.script_authorization(approve_as=account)
                page = await browser.get(started.json()["authorization_url"])
                callback = await browser.get(page.headers["location"])
                if callback.status_code != httpx.codes.OK:
                    raise RuntimeError(f"connecting a channel: {callback.text}")
                channel_id = str(callback.json()["channel"]["id"])
                # access-svc and conversation-svc learn of the channel from channels.v1.
                await _until_ok(
                    lambda: access.put(
                        f"/v1/channels/{channel_id}/access/users/{agent_id}",  # noqa: B023
                        json={"role": "contributor"},
                        headers=admin,  # noqa: B023
                    )
                )
                await _until_ok(
                    lambda: conversations.get(
                        f"/v1/channels/{channel_id}/conversations",  # noqa: B023
                        headers=admin,  # noqa: B023
                    )
                )
                org.brands.append(Brand(account, channel_id))
            made.append(org)
        brands = [brand for org in made for brand in org.brands]
        for n in range(customers):
            customer = await sim.create_user(f"c{run_tag}n{n}")
            brands[n % len(brands)].customers.append(customer)
    return made


async def _until_ok(call: Callable[[], Awaitable[httpx.Response]]) -> None:
    deadline = time.monotonic() + 60
    while True:
        response = await call()
        if response.is_success:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{response.request.url}: {response.status_code} {response.text}")
        await asyncio.sleep(0.2)


@dataclass
class Workload:
    sim: SimulatorClient
    orgs: list[Organization]
    monitor: EventMonitor
    rng: random.Random
    messages: int
    rate: float  # customer messages per second
    reply_share: float
    reply_rng: random.Random = field(default_factory=random.Random)
    sent: list[SentMessage] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return self.messages / self.rate

    async def send(self, faults_done: asyncio.Event) -> None:
        """Message n at n / rate seconds in, a few in flight at once: at least `messages`,
        and on until the last fault is over, so that every fault hits a flowing stream."""
        brands = [(org, brand) for org in self.orgs for brand in org.brands]
        gate = asyncio.Semaphore(32)
        start = time.monotonic()

        async def one(
            n: int, org: Organization, brand: Brand, customer: SimUser, kind: str
        ) -> None:
            async with gate:
                text = f"m{n:06d} where is my order? ({self.rng.randrange(10**6)})"
                if kind == "tweet":
                    await self.sim.mention(customer, brand.account, text, wait=False)
                else:
                    await self.sim.send_dm(customer, brand.account, text, wait=False)
                self.sent.append(
                    SentMessage(
                        f"m{n:06d}",
                        str(org.id),
                        brand.account.id,
                        customer.id,
                        kind,
                        self.monitor.now(),
                    )
                )

        tasks = []
        n = 0
        while n < self.messages or not faults_done.is_set():
            org, brand = brands[self.rng.randrange(len(brands))]
            customer = brand.customers[self.rng.randrange(len(brand.customers))]
            kind = "tweet" if self.rng.random() < 0.6 else "dm"  # noqa: PLR2004
            delay = start + n / self.rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(n, org, brand, customer, kind)))
            n += 1
        await asyncio.gather(*tasks)

    async def reply_as_agents(self, conversation_url: str, stop: asyncio.Event) -> None:
        """For a share of the new conversations, the organization's agent replies, with an
        Idempotency-Key, retrying through faults as a browser's client would."""
        agents = {str(org.id): org.agent for org in self.orgs}
        accounts = {b.channel_id: b.account.id for org in self.orgs for b in org.brands}
        gate = asyncio.Semaphore(4)
        tasks: list[asyncio.Task[None]] = []
        async with httpx.AsyncClient(base_url=conversation_url, timeout=10) as client:
            while not (stop.is_set() and self.monitor.new_conversations.empty()):
                try:
                    seen: Seen = await asyncio.wait_for(self.monitor.new_conversations.get(), 1)
                except TimeoutError:
                    continue
                if seen.org_id not in agents or self.reply_rng.random() >= self.reply_share:
                    continue
                reply = Reply(
                    f"r{len(self.replies):05d}",
                    seen.org_id,
                    seen.conversation_id,
                    accounts[seen.channel_id],
                )
                self.replies.append(reply)
                tasks.append(asyncio.create_task(self._reply(client, gate, reply, agents)))
            await asyncio.gather(*tasks)

    async def _reply(
        self,
        client: httpx.AsyncClient,
        gate: asyncio.Semaphore,
        reply: Reply,
        agents: dict[str, Headers],
    ) -> None:
        headers = {**agents[reply.org_id], "idempotency-key": f"chaos-{reply.token}"}
        body = {"text": f"{reply.token} thanks, we are on it"}
        deadline = time.monotonic() + RETRY_FOR_SECONDS
        async with gate:
            while True:
                reply.attempts += 1
                try:
                    response = await client.post(
                        f"/v1/conversations/{reply.conversation_id}/replies",
                        json=body,
                        headers=headers,
                    )
                except httpx.TransportError:
                    response = None
                if response is not None and response.status_code == httpx.codes.ACCEPTED:
                    reply.message_id = str(response.json()["id"])
                    return
                retryable = response is None or response.status_code >= 500  # noqa: PLR2004
                if not retryable or time.monotonic() > deadline:
                    reply.refused = (
                        "gave up" if response is None else f"{response.status_code} {response.text}"
                    )[:300]
                    return
                await asyncio.sleep(0.5)
