"""The simulator as a real server on a loopback port, as `make up` runs it: authlib's
client connects an account over HTTP, a customer's mention reaches a real webhook
server signed and in the real shape, and a reply sent through the API comes back."""

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
import uvicorn
from authlib.integrations.httpx_client import AsyncOAuth1Client, OAuth1Auth

from switchboard_testing.processes import RunningService, free_port, service_process
from switchboard_twitter_sim.client import SimulatorClient
from switchboard_twitter_sim.webhook_receiver import PATH, WebhookReceiver

pytestmark = pytest.mark.integration
KEY, SECRET = "it-consumer-key", "it-consumer-secret"
BRAND_ID = "1111111111111111111"


@pytest.fixture
def simulator(tmp_path: Path) -> Iterator[RunningService]:
    port = free_port()
    with service_process(
        "twitter-sim",
        "switchboard_twitter_sim",
        "--port",
        str(port),
        "--consumer-key",
        KEY,
        "--consumer-secret",
        SECRET,
        "--seed-accounts",
        f"acme_support:{BRAND_ID}",
        port=port,
        env={"LOG_FORMAT": "console", "SB_TWITTER_SIM_BEARER_TOKEN": "it-bearer"},
        log_dir=tmp_path,
    ) as running:
        yield running


@pytest.fixture
def receiver() -> Iterator[tuple[WebhookReceiver, str]]:
    """A webhook server on its own loopback port (uvicorn in a thread)."""
    hook = WebhookReceiver(SECRET)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(hook.app, host="127.0.0.1", port=port, log_config=None))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield hook, f"http://127.0.0.1:{port}{PATH}"
    server.should_exit = True
    thread.join(timeout=10)


async def test_connect_receive_and_reply_over_real_http(
    simulator: RunningService, receiver: tuple[WebhookReceiver, str], samples_dir: Path
) -> None:
    hook, hook_url = receiver
    api = simulator.base_url
    async with SimulatorClient(api) as sim:
        # Connect the account: authlib's client, a browser redirect, the verifier.
        callback = "http://127.0.0.1:8002/v1/twitter/callback"
        async with AsyncOAuth1Client(KEY, SECRET, redirect_uri=callback) as oauth:
            await oauth.fetch_request_token(f"{api}/oauth/request_token")
            await sim.script_authorization(approve_as="acme_support")
            async with httpx2.AsyncClient() as browser:
                redirect = await browser.get(
                    oauth.create_authorization_url(f"{api}/oauth/authorize")
                )
            oauth.parse_authorization_response(redirect.headers["location"])
            token = await oauth.fetch_access_token(f"{api}/oauth/access_token")
        assert token["user_id"] == BRAND_ID

        async with httpx2.AsyncClient(base_url=api) as app_client:
            bearer = await app_client.post(
                "/oauth2/token", auth=(KEY, SECRET), data={"grant_type": "client_credentials"}
            )
            headers = {"authorization": f"Bearer {bearer.json()['access_token']}"}
            webhook = await app_client.post("/2/webhooks", json={"url": hook_url}, headers=headers)
            assert webhook.status_code == 200, webhook.text

        auth = OAuth1Auth(
            KEY, SECRET, token["oauth_token"], token["oauth_token_secret"], force_include_body=True
        )
        async with httpx2.AsyncClient(base_url=api, auth=auth) as brand:
            subscribed = await brand.post(
                f"/2/account_activity/webhooks/{webhook.json()['id']}/subscriptions/all"
            )
            assert subscribed.json() == {"data": {"subscribed": True}}

            jane = await sim.create_user("jane", name="Jane Doe")
            mention = await sim.mention(jane, "acme_support", "my #order is late")
            [delivery] = await hook.wait_for(lambda received: len(received) >= 1)
            assert delivery.signature_valid
            sample = json.loads((samples_dir / "aaa_tweet_create_reply_mention.json").read_text())
            payload = delivery.payload
            assert set(payload) == set(sample)
            event, real = payload["tweet_create_events"][0], sample["tweet_create_events"][0]
            assert set(event) == set(real)
            assert set(event["user"]) == set(real["user"])
            assert set(event["entities"]) == set(real["entities"])
            assert event["id_str"] == mention.id
            start = event["text"].index("#order")
            assert event["entities"]["hashtags"] == [
                {"text": "order", "indices": [start, start + 6]}
            ]

            reply = await brand.post(
                "/2/tweets",
                json={
                    "text": "Sorry Jane, checking now.",
                    "reply": {"in_reply_to_tweet_id": mention.id},
                },
            )
            assert reply.status_code == 201, reply.text
            forged = await brand.post(
                "/2/tweets",
                json={"text": "forged"},
                auth=OAuth1Auth(KEY, SECRET, token["oauth_token"], "x"),
            )
            assert forged.status_code == 401

        received = await hook.wait_for(lambda received: len(received) >= 2)
        echo = received[1].payload["tweet_create_events"][0]
        assert echo["id_str"] == reply.json()["data"]["id"]
        assert echo["user"]["id_str"] == BRAND_ID
        assert received[1].signature_valid
        sent = await sim.sent("acme_support")
        assert [t.text for t in sent.tweets] == ["@jane Sorry Jane, checking now."]
