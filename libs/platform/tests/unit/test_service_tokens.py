"""Service tokens per organization: fetched once, cached until shortly before expiry."""

import json
import uuid

import httpx
import pytest

from switchboard_platform.auth.service_tokens import ServiceTokenError, ServiceTokens

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def issuer(calls: list[dict[str, object]], status: int = 200) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        calls.append(body)
        token = f"token-{body['org_id']}-{len(calls)}"
        return httpx.Response(status, json={"access_token": token, "expires_in": 120})

    return httpx.MockTransport(handle)


async def test_one_fetch_per_org_until_near_expiry() -> None:
    calls: list[dict[str, object]] = []
    clock = Clock()
    tokens = ServiceTokens(
        "http://issuer/v1/dev/tokens",
        service="conversation-svc",
        refresh_before_seconds=30,
        client=httpx.AsyncClient(transport=issuer(calls)),
        clock=clock,
    )
    org_a, org_b = uuid.uuid4(), uuid.uuid4()
    first = await tokens.token_for(org_a)
    assert await tokens.token_for(org_a) == first
    assert await tokens.token_for(org_b) != first
    assert [c["org_id"] for c in calls] == [str(org_a), str(org_b)]
    assert calls[0]["kind"] == "service"
    assert calls[0]["service"] == "conversation-svc"
    clock.now += 89  # expires in 120, refreshed 30 before
    assert await tokens.token_for(org_a) == first
    clock.now += 2
    assert await tokens.token_for(org_a) != first
    await tokens.aclose()


async def test_a_refusing_endpoint_is_a_transient_error() -> None:
    tokens = ServiceTokens(
        "http://issuer/t",
        service="s",
        client=httpx.AsyncClient(transport=issuer([], status=503)),
    )
    with pytest.raises(ServiceTokenError):
        await tokens.token_for(uuid.uuid4())
    assert issubclass(ServiceTokenError, ConnectionError)
    await tokens.aclose()
