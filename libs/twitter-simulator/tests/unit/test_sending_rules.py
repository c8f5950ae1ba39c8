"""`POST /2/tweets` and the DM endpoint: Twitter's rules, errors and rate limits."""

from collections.abc import AsyncIterator, Callable

import httpx2
import pytest

from switchboard_twitter_sim.client import SimulatorClient

pytestmark = pytest.mark.unit


@pytest.fixture
async def brand(
    sim: SimulatorClient, api_as: Callable[[str, str], httpx2.AsyncClient]
) -> AsyncIterator[httpx2.AsyncClient]:
    token = await sim.issue_token("acme_support")
    async with api_as(token.oauth_token, token.oauth_token_secret) as client:
        yield client


def _reply(text: str, tweet_id: str) -> dict[str, object]:
    return {"text": text, "reply": {"in_reply_to_tweet_id": tweet_id}}


async def test_a_reply_answers_201_with_rate_limit_headers(
    sim: SimulatorClient, brand: httpx2.AsyncClient
) -> None:
    mention = await sim.mention(await sim.create_user("jane"), "acme_support", "hi")
    response = await brand.post("/2/tweets", json=_reply("Hello!", mention.id))
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["text"] == "Hello!"
    assert data["edit_history_tweet_ids"] == [data["id"]]
    assert response.headers["x-rate-limit-limit"] == "100"
    assert response.headers["x-rate-limit-remaining"] == "99"
    assert int(response.headers["x-rate-limit-reset"]) > 0


async def test_self_serve_apps_may_only_reply_where_they_were_mentioned(
    sim: SimulatorClient, brand: httpx2.AsyncClient
) -> None:
    stranger = await sim.create_user("stranger")
    unrelated = await sim.tweet(stranger, "nice weather today")
    response = await brand.post("/2/tweets", json=_reply("Hi!", unrelated.id))
    assert response.status_code == 403
    assert response.json()["title"] == "Forbidden"
    assert "not been mentioned" in response.json()["detail"]
    await sim.mention(stranger, "acme_support", "now I am talking to you")
    allowed = await brand.post("/2/tweets", json=_reply("Hi!", unrelated.id))
    assert allowed.status_code == 201


async def test_duplicate_text_is_403_in_the_real_shape(
    sim: SimulatorClient, brand: httpx2.AsyncClient
) -> None:
    assert (await brand.post("/2/tweets", json={"text": "Same words"})).status_code == 201
    response = await brand.post("/2/tweets", json={"text": "Same words"})
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "detail": "You are not allowed to create a Tweet with duplicate content.",
        "type": "about:blank",
        "title": "Forbidden",
        "status": 403,
    }
    assert response.headers["x-rate-limit-remaining"] == "98"


async def test_replying_to_a_deleted_tweet_is_refused(
    sim: SimulatorClient, brand: httpx2.AsyncClient
) -> None:
    mention = await sim.mention(await sim.create_user("jane"), "acme_support", "oops")
    await sim.delete_tweet(mention.id)
    response = await brand.post("/2/tweets", json=_reply("Hello?", mention.id))
    assert response.status_code == 403
    assert "deleted" in response.json()["detail"]


async def test_invalid_bodies_get_twitters_invalid_request(brand: httpx2.AsyncClient) -> None:
    response = await brand.post("/2/tweets", json={"text": "x" * 281})
    assert response.status_code == 400
    assert response.json()["title"] == "Invalid Request"
    missing = await brand.post("/2/tweets", json={})
    assert missing.status_code == 400
    assert missing.json()["type"] == "https://api.twitter.com/2/problems/invalid-request"


async def test_exceeding_the_limit_is_429_until_the_window_resets(
    sim: SimulatorClient, brand: httpx2.AsyncClient
) -> None:
    jane = await sim.create_user("jane")
    await sim.set_rate_limit("dm_events", limit=2, window_seconds=900, daily_limit=1440)
    path = f"/2/dm_conversations/with/{jane.id}/messages"
    for text in ("one", "two"):
        assert (await brand.post(path, json={"text": text})).status_code == 201
    refused = await brand.post(path, json={"text": "three"})
    assert refused.status_code == 429
    assert refused.json()["title"] == "Too Many Requests"
    assert refused.headers["x-rate-limit-remaining"] == "0"
    assert refused.headers["x-user-limit-24hour-remaining"] == "1438"
    reset = int(refused.headers["x-rate-limit-reset"])
    await sim.advance_clock(901)
    accepted = await brand.post(path, json={"text": "three"})
    assert accepted.status_code == 201
    assert int(accepted.headers["x-rate-limit-reset"]) > reset
    assert [m.text for m in (await sim.sent("acme_support")).direct_messages] == [
        "one",
        "two",
        "three",
    ]


async def test_a_dm_to_an_unknown_user_is_invalid(brand: httpx2.AsyncClient) -> None:
    response = await brand.post("/2/dm_conversations/with/123/messages", json={"text": "hi"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameters"] == {"participant_id": ["123"]}


async def test_unknown_twitter_paths_answer_twitters_404(api: httpx2.AsyncClient) -> None:
    response = await api.get("/1.1/statuses/nothing.json")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == 34


async def test_an_outage_answers_5xx_and_429_in_turn_and_sends_nothing(
    sim: SimulatorClient, brand: httpx2.AsyncClient
) -> None:
    jane = await sim.create_user("jane")
    mention = await sim.mention(jane, "acme_support", "hi")
    started = await sim.start_outage(60, [503, 429])
    assert started.remaining_seconds > 59
    down = await brand.post("/2/tweets", json=_reply("Hello!", mention.id))
    limited = await brand.post(f"/2/dm_conversations/with/{jane.id}/messages", json={"text": "x"})
    assert (down.status_code, limited.status_code) == (503, 429)
    assert int(limited.headers["x-rate-limit-reset"]) >= int(started.remaining_seconds)
    sent = await sim.sent("acme_support")
    assert (sent.tweets, sent.direct_messages) == ([], [])
    ended = await sim.end_outage()
    assert (ended.remaining_seconds, ended.refused) == (0.0, {"429": 1, "503": 1})
    assert (await brand.post("/2/tweets", json=_reply("Hello!", mention.id))).status_code == 201
