"""`GET /2/users/me`: the account a token belongs to, in v2's user shape."""

from collections.abc import Callable

import httpx2
import pytest

from switchboard_twitter_sim.client import SimulatorClient

pytestmark = pytest.mark.unit


async def test_me_answers_the_tokens_account_with_its_name(
    sim: SimulatorClient, api_as: Callable[[str, str], httpx2.AsyncClient]
) -> None:
    brand = await sim.create_user("acme_care", name="ACME Care ✨")
    token = await sim.issue_token(brand)
    async with api_as(token.oauth_token, token.oauth_token_secret) as client:
        response = await client.get("/2/users/me")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "data": {"id": brand.id, "name": "ACME Care ✨", "username": "acme_care"}
    }
    assert response.headers["x-rate-limit-remaining"]


async def test_the_name_defaults_to_the_handle_and_user_fields_add_to_it(
    sim: SimulatorClient, api_as: Callable[[str, str], httpx2.AsyncClient]
) -> None:
    token = await sim.issue_token(await sim.create_user("plain"))
    async with api_as(token.oauth_token, token.oauth_token_secret) as client:
        response = await client.get(
            "/2/users/me", params={"user.fields": "created_at,public_metrics,protected"}
        )
        unknown = await client.get("/2/users/me", params={"user.fields": "pinned_tweet,nope"})
    data = response.json()["data"]
    assert data["name"] == data["username"] == "plain"
    assert data["created_at"].endswith("Z")
    assert data["protected"] is False
    assert data["public_metrics"]["followers_count"] == 0
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["parameters"] == {"user.fields": ["nope"]}


async def test_me_needs_a_live_user_token(
    api: httpx2.AsyncClient,
    sim: SimulatorClient,
    api_as: Callable[[str, str], httpx2.AsyncClient],
) -> None:
    unsigned = await api.get("/2/users/me")
    assert unsigned.status_code == 401
    assert unsigned.json()["title"] == "Unauthorized"
    token = await sim.issue_token(await sim.create_user("leaver"))
    await sim.revoke_app("leaver")
    async with api_as(token.oauth_token, token.oauth_token_secret) as client:
        revoked = await client.get("/2/users/me")
    assert revoked.status_code == 401
