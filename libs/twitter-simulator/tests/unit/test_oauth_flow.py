"""authlib's OAuth 1.0a client completes "Authorize app" against the simulator, and the
tokens it gets sign calls that the simulator accepts (and forgeries it refuses)."""

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from authlib.integrations.httpx_client import AsyncOAuth1Client, OAuth1Auth
from fastapi import FastAPI

from switchboard_twitter_sim.client import SimulatorClient

pytestmark = pytest.mark.unit
CONSUMER_KEY, CONSUMER_SECRET, API = (
    "test-consumer-key",
    "test-consumer-secret",
    "https://api.twitter.test",
)
CALLBACK = "https://switchboard.test/v1/twitter/callback?state=abc"


def _oauth_client(sim_app: FastAPI, **kwargs: str) -> AsyncOAuth1Client:
    return AsyncOAuth1Client(
        CONSUMER_KEY,
        kwargs.pop("secret", CONSUMER_SECRET),
        redirect_uri=CALLBACK,
        transport=httpx2.ASGITransport(app=sim_app),
        **kwargs,
    )


async def _browse(sim_app: FastAPI, url: str) -> httpx2.Response:
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=sim_app)) as browser:
        return await browser.get(url)


async def test_authlib_completes_the_three_legged_flow(
    sim_app: FastAPI, sim: SimulatorClient
) -> None:
    async with _oauth_client(sim_app) as oauth:
        request_token = await oauth.fetch_request_token(f"{API}/oauth/request_token")
        assert request_token["oauth_callback_confirmed"] == "true"
        url = oauth.create_authorization_url(f"{API}/oauth/authorize")
        await sim.script_authorization(approve_as="acme_support")
        redirect = await _browse(sim_app, url)
        assert redirect.status_code == 302
        location = redirect.headers["location"]
        assert location.startswith(CALLBACK + "&")
        params = oauth.parse_authorization_response(location)
        assert params["oauth_token"] == request_token["oauth_token"]
        token = await oauth.fetch_access_token(f"{API}/oauth/access_token")
    assert token["user_id"] == "1111111111111111111"
    assert token["screen_name"] == "acme_support"
    assert token["oauth_token"].startswith("1111111111111111111-")

    customer = await sim.create_user("jane")
    mention = await sim.mention(customer, "acme_support", "where is my order?")
    auth = OAuth1Auth(
        CONSUMER_KEY,
        CONSUMER_SECRET,
        token["oauth_token"],
        token["oauth_token_secret"],
        force_include_body=True,  # else authlib drops the JSON body
    )
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=sim_app), base_url=API, auth=auth
    ) as api:
        reply = await api.post(
            "/2/tweets", json={"text": "On its way!", "reply": {"in_reply_to_tweet_id": mention.id}}
        )
        dm = await api.post(f"/2/dm_conversations/with/{customer.id}/messages", json={"text": "Hi"})
    assert reply.status_code == 201, reply.text
    assert reply.json()["data"]["text"] == "On its way!"
    assert dm.status_code == 201, dm.text
    assert dm.json()["data"]["dm_conversation_id"] == f"1111111111111111111-{customer.id}"
    sent = await sim.sent("acme_support")
    assert [t.id for t in sent.tweets] == [reply.json()["data"]["id"]]
    assert sent.tweets[0].text == "@jane On its way!"
    assert sent.tweets[0].in_reply_to_tweet_id == mention.id
    assert [m.id for m in sent.direct_messages] == [dm.json()["data"]["dm_event_id"]]


async def test_the_person_can_approve_on_the_page(sim_app: FastAPI, sim: SimulatorClient) -> None:
    async with _oauth_client(sim_app) as oauth:
        await oauth.fetch_request_token(f"{API}/oauth/request_token")
        page = await _browse(sim_app, oauth.create_authorization_url(f"{API}/oauth/authorize"))
        assert page.status_code == 200
        assert "Authorize Switchboard (local) to access your account?" in page.text
        request_token = parse_qs(urlsplit(str(page.request.url)).query)["oauth_token"][0]
        location = await sim.authorize(request_token, as_user="acme_support")
        oauth.parse_authorization_response(location)
        token = await oauth.fetch_access_token(f"{API}/oauth/access_token")
    assert token["screen_name"] == "acme_support"


async def test_a_denial_redirects_with_denied(sim_app: FastAPI, sim: SimulatorClient) -> None:
    async with _oauth_client(sim_app) as oauth:
        request_token = await oauth.fetch_request_token(f"{API}/oauth/request_token")
        await sim.script_authorization(approve_as=None)
        redirect = await _browse(sim_app, oauth.create_authorization_url(f"{API}/oauth/authorize"))
    query = parse_qs(urlsplit(redirect.headers["location"]).query)
    assert query == {"state": ["abc"], "denied": [request_token["oauth_token"]]}


async def test_a_wrong_consumer_secret_cannot_get_a_request_token(sim_app: FastAPI) -> None:
    async with _oauth_client(sim_app, secret="not-the-secret") as oauth:
        response = await oauth.post(f"{API}/oauth/request_token")
    assert response.status_code == 401
    assert response.json() == {"errors": [{"code": 32, "message": "Could not authenticate you."}]}


async def test_a_wrong_verifier_is_refused_and_burns_the_request_token(
    sim_app: FastAPI, sim: SimulatorClient
) -> None:
    async with _oauth_client(sim_app) as oauth:
        await oauth.fetch_request_token(f"{API}/oauth/request_token")
        await sim.script_authorization(approve_as="acme_support")
        await _browse(sim_app, oauth.create_authorization_url(f"{API}/oauth/authorize"))
        oauth.auth.verifier = "forged"
        response = await oauth.post(f"{API}/oauth/access_token")
        assert response.status_code == 401
        assert "Invalid oauth_verifier parameter" in response.text
        again = await oauth.post(f"{API}/oauth/access_token")
    assert again.json()["errors"][0]["code"] == 89


async def test_request_token_requires_a_callback(sim_app: FastAPI) -> None:
    async with AsyncOAuth1Client(
        CONSUMER_KEY, CONSUMER_SECRET, transport=httpx2.ASGITransport(app=sim_app)
    ) as oauth:
        response = await oauth.post(f"{API}/oauth/request_token")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == 215


async def test_wrongly_signed_and_revoked_calls_get_401(
    sim: SimulatorClient, api_as: Callable[[str, str], httpx2.AsyncClient]
) -> None:
    token = await sim.issue_token("acme_support")
    customer = await sim.create_user("jane")
    async with api_as(token.oauth_token, "wrong-secret") as forged:
        response = await forged.post(
            f"/2/dm_conversations/with/{customer.id}/messages", json={"text": "hi"}
        )
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "title": "Unauthorized",
        "type": "about:blank",
        "status": 401,
        "detail": "Unauthorized",
    }
    async with api_as(token.oauth_token, token.oauth_token_secret) as api:
        invalidated = await api.post("/1.1/oauth/invalidate_token")
        assert invalidated.json() == {"access_token": token.oauth_token}
        after_v2 = await api.post("/2/tweets", json={"text": "still here?"})
        after_v1 = await api.post("/1.1/oauth/invalidate_token")
    assert after_v2.status_code == 401
    assert after_v1.status_code == 401
    assert after_v1.json() == {"errors": [{"code": 89, "message": "Invalid or expired token."}]}


async def test_a_user_revoking_the_app_kills_its_token(
    sim: SimulatorClient, api_as: Callable[[str, str], httpx2.AsyncClient]
) -> None:
    token = await sim.issue_token("acme_support")
    await sim.revoke_app("acme_support")
    async with api_as(token.oauth_token, token.oauth_token_secret) as api:
        response = await api.post("/2/tweets", json={"text": "hello"})
    assert response.status_code == 401
    fresh = await sim.issue_token("acme_support")
    assert fresh.oauth_token != token.oauth_token


async def test_the_bearer_token_comes_from_client_credentials(api: httpx2.AsyncClient) -> None:
    response = await api.post(
        "/oauth2/token",
        auth=(CONSUMER_KEY, CONSUMER_SECRET),
        data={"grant_type": "client_credentials"},
    )
    assert response.json() == {"token_type": "bearer", "access_token": "test-bearer-token"}
    wrong = await api.post(
        "/oauth2/token", auth=(CONSUMER_KEY, "nope"), data={"grant_type": "client_credentials"}
    )
    assert wrong.status_code == 403
