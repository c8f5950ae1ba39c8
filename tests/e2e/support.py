"""What the cross-service tests do through the public interfaces, as a person would: an
organization with its admin (tokens from the development issuer), agents, a Twitter
channel connected by OAuth on the simulator, grants."""

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Self, TypeVar

import httpx

from switchboard_testing.system import System
from switchboard_twitter_sim.client import SimulatorClient
from switchboard_twitter_sim.control_models import SimUser

T = TypeVar("T")
Headers = dict[str, str]


async def eventually(
    what: str, probe: Callable[[], Awaitable[T | None]], within: float = 30.0
) -> T:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = await probe()
        if found is not None:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"{what}: not within {within}s")


def unique(prefix: str) -> str:
    """A Twitter screen name (at most 15 characters) no other test uses."""
    return f"{prefix}_{uuid.uuid4().hex[:8]}"[:15]


class Org:
    """One organization of the shared system, driven over HTTP."""

    def __init__(self, system: System) -> None:
        self.id = uuid.uuid4()
        self.access = httpx.AsyncClient(base_url=system.access.base_url, timeout=30)
        self.channels = httpx.AsyncClient(base_url=system.channel.base_url, timeout=30)
        self.conversations = httpx.AsyncClient(base_url=system.conversation.base_url, timeout=30)
        self.admin: Headers = {}

    async def __aenter__(self) -> Self:
        self.admin = await self.token(uuid.uuid4(), "admin")
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
        id once access-svc knows it too."""
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

        await eventually("access-svc knows the channel", known)
        return channel_id

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
