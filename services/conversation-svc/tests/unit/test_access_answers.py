"""conversation-svc's client of access-svc: the channels a user can access (asked on every
page of the cross-channel queue) are reused briefly and dropped with the organization's
other answers when an access.v1 event arrives. access-svc here is an httpx mock."""

import uuid

import httpx
import pytest

from switchboard_contracts.enums import ChannelRole
from switchboard_conversation.adapters.access import HttpAccessChecker

pytestmark = pytest.mark.unit


class Tokens:
    async def token_for(self, org_id: uuid.UUID) -> str:
        return f"service-token-{org_id}"

    async def aclose(self) -> None:
        return None


async def test_a_users_channels_are_reused_briefly_and_forgotten_with_the_organization() -> None:
    channel = uuid.uuid4()
    asked: list[str] = []

    def access_svc(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        return httpx.Response(
            200, json={"channels": [{"channel_id": str(channel), "role": "viewer"}]}
        )

    now = [0.0]
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(access_svc), base_url="http://access"
    ) as client:
        checker = HttpAccessChecker(client, Tokens(), ttl_seconds=0.5, clock=lambda: now[0])
        org, user = uuid.uuid4(), uuid.uuid4()
        first = await checker.channels_of(org_id=org, user_id=user, bearer="t")
        again = await checker.channels_of(org_id=org, user_id=user, bearer="t")
        assert first == again == [(channel, ChannelRole.VIEWER)]
        assert len(asked) == 1
        checker.forget(uuid.uuid4())  # another organization's event: kept
        await checker.channels_of(org_id=org, user_id=user, bearer="t")
        assert len(asked) == 1
        checker.forget(org)  # an access.v1 event of the organization: asked again
        await checker.channels_of(org_id=org, user_id=user, bearer="t")
        assert len(asked) == 2
        now[0] = 0.5  # aged out
        await checker.channels_of(org_id=org, user_id=user, bearer="t")
        assert asked == [f"/v1/users/{user}/channels"] * 3
