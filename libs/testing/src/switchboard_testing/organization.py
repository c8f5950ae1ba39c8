"""One organization of a running system, driven through its public interfaces as a person
would: its admin (tokens from the development issuer), agents, Twitter channels connected
by OAuth on the simulator, grants. The end-to-end tests and the benchmarks that run the
whole system share it."""

import uuid
from typing import Any, NamedTuple, Self

import httpx

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
        _expect(created, 201)
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
        _expect(response, 200)
        return {"authorization": f"Bearer {response.json()['access_token']}"}

    async def agent(self, name: str) -> tuple[uuid.UUID, Headers]:
        response = await self.access.post(
            "/v1/users",
            json={"email": f"{uuid.uuid4().hex[:10]}@example.com", "display_name": name},
            headers=self.admin,
        )
        _expect(response, 201)
        user_id = uuid.UUID(response.json()["id"])
        return user_id, await self.token(user_id)

    async def connect(self, sim: SimulatorClient, account: SimUser) -> str:
        """Add Channel -> Twitter -> Authorize app, approved on the simulator; the channel
        id once access-svc and conversation-svc know it too."""
        started = await self.channels.post(
            "/v1/channels/twitter/authorizations", headers=self.admin
        )
        _expect(started, 201)
        await sim.script_authorization(approve_as=account)
        async with httpx.AsyncClient() as browser:
            page = await browser.get(started.json()["authorization_url"])
            _expect(page, 302)
            callback = await browser.get(page.headers["location"])
        _expect(callback, 200)
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
        _expect(patched, 200)
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
        _expect(response, 200)

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
                _expect(response, 200)
                for item in response.json()["items"]:
                    if item["customer"]["id"] == customer.id:
                        return dict(item)
            return None

        return await eventually(f"@{customer.screen_name}'s conversation", probe)


class UnexpectedAnswerError(AssertionError):
    """A set-up step was answered otherwise than a working system answers it."""


def _expect(response: httpx.Response, status: int) -> None:
    if response.status_code != status:
        method, url = response.request.method, response.request.url
        raise UnexpectedAnswerError(f"{method} {url}: {response.status_code} {response.text}")
