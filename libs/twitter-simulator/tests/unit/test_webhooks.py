"""Webhook registration with the CRC, subscriptions, and deliveries that reach the
registered webhook signed and in the real shape, including the account's own echoes."""

from collections.abc import Callable

import httpx2
import pytest

from switchboard_twitter_sim.client import SimulatorClient
from switchboard_twitter_sim.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.unit
BEARER = {"authorization": "Bearer test-bearer-token"}
HOOK_URL = "https://switchboard.test/webhooks/twitter"
BRAND_ID = "1111111111111111111"


async def _register(api: httpx2.AsyncClient) -> str:
    response = await api.post("/2/webhooks", json={"url": HOOK_URL}, headers=BEARER)
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


async def _connect(
    api: httpx2.AsyncClient, sim: SimulatorClient, api_as: Callable[[str, str], httpx2.AsyncClient]
) -> tuple[str, Callable[[], httpx2.AsyncClient]]:
    """Register the webhook and subscribe the brand; returns a factory of brand clients."""
    webhook_id = await _register(api)
    token = await sim.issue_token("acme_support")

    def brand() -> httpx2.AsyncClient:
        return api_as(token.oauth_token, token.oauth_token_secret)

    async with brand() as client:
        response = await client.post(f"/2/account_activity/webhooks/{webhook_id}/subscriptions/all")
    assert response.json() == {"data": {"subscribed": True}}
    return webhook_id, brand


async def test_registering_runs_the_crc_and_answers_the_config(
    api: httpx2.AsyncClient, receiver: WebhookReceiver
) -> None:
    response = await api.post("/2/webhooks", json={"url": HOOK_URL}, headers=BEARER)
    assert response.status_code == 200
    config = response.json()
    assert set(config) == {"created_at", "id", "url", "valid"}
    assert config["valid"] is True
    assert int(config["id"]) > 2**53
    assert response.headers["x-rate-limit-remaining"].isdigit()
    listed = await api.get("/2/webhooks", headers=BEARER)
    assert listed.json() == {"data": [config], "meta": {"result_count": 1}}
    duplicate = await api.post("/2/webhooks", json={"url": HOOK_URL}, headers=BEARER)
    assert duplicate.json()["errors"][0]["message"] == "DuplicateUrlFailed"


async def test_a_wrong_crc_answer_is_refused(
    api: httpx2.AsyncClient, receiver: WebhookReceiver
) -> None:
    receiver.crc_secret = "not-the-consumer-secret"
    response = await api.post("/2/webhooks", json={"url": HOOK_URL}, headers=BEARER)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["message"] == "CrcValidationFailed"
    assert response.json()["title"] == "Invalid Request"


async def test_put_reruns_the_crc_and_delete_removes(
    api: httpx2.AsyncClient, receiver: WebhookReceiver
) -> None:
    webhook_id = await _register(api)
    receiver.crc_secret = "broken"
    failed = await api.put(f"/2/webhooks/{webhook_id}", headers=BEARER)
    assert failed.status_code == 400
    assert (await api.get("/2/webhooks", headers=BEARER)).json()["data"][0]["valid"] is False
    receiver.crc_secret = receiver.consumer_secret
    passed = await api.put(f"/2/webhooks/{webhook_id}", headers=BEARER)
    assert passed.json() == {"data": {"attempted": True}}
    deleted = await api.delete(f"/2/webhooks/{webhook_id}", headers=BEARER)
    assert deleted.json() == {"data": {"deleted": True}}


async def test_webhook_management_needs_the_bearer_token(api: httpx2.AsyncClient) -> None:
    response = await api.post(
        "/2/webhooks", json={"url": HOOK_URL}, headers={"authorization": "Bearer x"}
    )
    assert response.status_code == 401
    assert response.json()["title"] == "Unauthorized"


async def test_a_customer_mention_reaches_the_webhook_signed_in_the_real_shape(
    api: httpx2.AsyncClient,
    sim: SimulatorClient,
    receiver: WebhookReceiver,
    api_as: Callable[[str, str], httpx2.AsyncClient],
) -> None:
    webhook_id, brand = await _connect(api, sim, api_as)
    async with brand() as client:
        check = await client.get(f"/2/account_activity/webhooks/{webhook_id}/subscriptions/all")
    assert check.json() == {"data": {"subscribed": True}}
    jane = await sim.create_user("jane")
    tweet = await sim.mention(jane, "acme_support", "my parcel is lost")
    [delivery] = receiver.deliveries
    assert delivery.signature_valid
    payload = delivery.payload
    assert set(payload) == {"for_user_id", "user_has_blocked", "tweet_create_events"}
    assert payload["for_user_id"] == BRAND_ID
    event = payload["tweet_create_events"][0]
    assert event["id_str"] == tweet.id
    assert event["text"] == "@acme_support my parcel is lost"
    assert event["user"]["id_str"] == jane.id
    assert event["in_reply_to_user_id_str"] == BRAND_ID
    [logged] = await sim.deliveries(for_user_id=BRAND_ID)
    assert logged.succeeded
    assert logged.body == payload


async def test_sends_are_echoed_with_the_ids_the_api_returned(
    api: httpx2.AsyncClient,
    sim: SimulatorClient,
    receiver: WebhookReceiver,
    api_as: Callable[[str, str], httpx2.AsyncClient],
) -> None:
    _, brand = await _connect(api, sim, api_as)
    jane = await sim.create_user("jane")
    mention = await sim.mention(jane, "acme_support", "help")
    await sim.send_dm(jane, "acme_support", "order 42")
    async with brand() as client:
        reply = await client.post(
            "/2/tweets",
            json={"text": "We are on it", "reply": {"in_reply_to_tweet_id": mention.id}},
        )
        dm = await client.post(f"/2/dm_conversations/with/{jane.id}/messages", json={"text": "Hi"})
    await sim.drain()
    kinds = [d.payload for d in receiver.deliveries]
    echo_tweet = kinds[2]["tweet_create_events"][0]
    assert echo_tweet["id_str"] == reply.json()["data"]["id"]
    assert echo_tweet["user"]["id_str"] == BRAND_ID
    assert echo_tweet["in_reply_to_status_id_str"] == mention.id
    assert "user_has_blocked" not in kinds[2]
    assert "Switchboard (local)" in echo_tweet["source"]
    echo_dm = kinds[3]["direct_message_events"][0]
    assert echo_dm["id"] == dm.json()["data"]["dm_event_id"]
    assert echo_dm["message_create"]["sender_id"] == kinds[3]["for_user_id"] == BRAND_ID
    assert kinds[3]["apps"]
    customer_dm = kinds[1]["direct_message_events"][0]
    assert customer_dm["message_create"]["sender_id"] == jane.id
    assert all(d.signature_valid for d in receiver.deliveries)


async def test_unsubscribing_stops_deliveries(
    api: httpx2.AsyncClient,
    sim: SimulatorClient,
    receiver: WebhookReceiver,
    api_as: Callable[[str, str], httpx2.AsyncClient],
) -> None:
    webhook_id, _ = await _connect(api, sim, api_as)
    listed = await api.get(
        f"/2/account_activity/webhooks/{webhook_id}/subscriptions/all/list", headers=BEARER
    )
    assert listed.json()["data"]["subscriptions"] == [{"user_id": BRAND_ID}]
    gone = await api.delete(
        f"/2/account_activity/webhooks/{webhook_id}/subscriptions/{BRAND_ID}/all", headers=BEARER
    )
    assert gone.json() == {"data": {"subscribed": False}}
    await sim.mention(await sim.create_user("jane"), "acme_support", "anyone?")
    assert receiver.deliveries == []


async def test_revoking_delivers_user_event_and_ends_the_subscription(
    api: httpx2.AsyncClient,
    sim: SimulatorClient,
    receiver: WebhookReceiver,
    api_as: Callable[[str, str], httpx2.AsyncClient],
) -> None:
    await _connect(api, sim, api_as)
    await sim.revoke_app("acme_support")
    [revoke] = receiver.deliveries
    assert revoke.payload["user_event"]["revoke"]["source"] == {"user_id": BRAND_ID}
    assert "for_user_id" not in revoke.payload
    await sim.mention(await sim.create_user("jane"), "acme_support", "hello?")
    assert len(receiver.deliveries) == 1


async def test_replay_resends_the_window(
    api: httpx2.AsyncClient,
    sim: SimulatorClient,
    receiver: WebhookReceiver,
    api_as: Callable[[str, str], httpx2.AsyncClient],
) -> None:
    webhook_id, _ = await _connect(api, sim, api_as)
    jane = await sim.create_user("jane")
    await sim.mention(jane, "acme_support", "first")
    await sim.mention(jane, "acme_support", "second")
    when = receiver.deliveries[0].payload["tweet_create_events"][0]["created_at"]
    assert when  # the window is minutes; both fall in the current one
    from datetime import UTC, datetime, timedelta  # noqa: PLC0415

    now = datetime.now(UTC)
    window = {
        "from_date": (now - timedelta(minutes=5)).strftime("%Y%m%d%H%M"),
        "to_date": (now + timedelta(minutes=1)).strftime("%Y%m%d%H%M"),
    }
    path = f"/2/account_activity/replay/webhooks/{webhook_id}/subscriptions/all"
    job = await api.post(path, params=window, headers=BEARER)
    assert set(job.json()) == {"created_at", "job_id"}
    await sim.drain()
    texts = [d.payload["tweet_create_events"][0]["text"] for d in receiver.deliveries]
    assert texts == ["@acme_support first", "@acme_support second"] * 2
    too_old = {
        "from_date": (now - timedelta(hours=25)).strftime("%Y%m%d%H%M"),
        "to_date": window["to_date"],
    }
    refused = await api.post(path, params=too_old, headers=BEARER)
    assert refused.status_code == 400
