"""Twitter's side played by the simulator (libs/twitter-simulator), ingest-svc as its own
process, the real broker: a customer's mention, the account's reply (an echo), the
customer's reply and DM, then the account revoking the app. Every delivery is sent twice,
as Twitter may: each copy yields the same event id, and each conversation's events arrive
in order on its key."""

import random
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest
from authlib.integrations.httpx_client import OAuth1Auth

from switchboard_contracts.topics import TWITTER_ACTIVITY, TWITTER_WEBHOOKS_RAW
from switchboard_platform.kafka.naming import physical_name
from switchboard_testing.kafka import consume_until
from switchboard_testing.processes import RunningService, free_port, service_process
from switchboard_twitter_sim.client import SimulatorClient

pytestmark = pytest.mark.integration
KEY, SECRET = "ingest-it-key", "ingest-it-secret"


@dataclass(frozen=True)
class World:
    sim: SimulatorClient
    api: str
    ingest: RunningService
    brand_id: str
    activity_topic: str
    raw_topic: str
    servers: str


@pytest.fixture
def processes(
    kafka_bootstrap_servers: str, topic_prefix: str, tmp_path: Path
) -> Iterator[tuple[RunningService, RunningService, str]]:
    brand_id = str(random.randrange(10**17, 10**18))  # noqa: S311 - isolation, not secrecy
    sim_port, ingest_port = free_port(), free_port()
    with (
        service_process(
            "twitter-sim",
            "switchboard_twitter_sim",
            *("--port", str(sim_port), "--consumer-key", KEY, "--consumer-secret", SECRET),
            *("--seed-accounts", f"acme_support:{brand_id}"),
            port=sim_port,
            env={"SB_TWITTER_SIM_BEARER_TOKEN": "it-bearer", "LOG_FORMAT": "json"},
            log_dir=tmp_path,
        ) as simulator,
        service_process(
            "ingest-svc",
            "switchboard_ingest",
            port=ingest_port,
            env={
                "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
                "KAFKA_TOPIC_PREFIX": topic_prefix,
                "SB_INGEST_TWITTER_CONSUMER_SECRET": SECRET,
                "SB_INGEST_PORT": str(ingest_port),
                "LOG_FORMAT": "json",
            },
            log_dir=tmp_path,
        ) as ingest,
    ):
        yield simulator, ingest, brand_id


@pytest.fixture
async def world(
    processes: tuple[RunningService, RunningService, str],
    kafka_bootstrap_servers: str,
    topic_prefix: str,
) -> AsyncIterator[World]:
    simulator, ingest, brand_id = processes
    api = simulator.base_url
    async with SimulatorClient(api) as sim, httpx2.AsyncClient(base_url=api) as app:
        # Register ingest-svc as the app's webhook (the simulator runs the CRC check
        # against it), then subscribe the brand account, authorised as the account.
        bearer = await app.post(
            "/oauth2/token", auth=(KEY, SECRET), data={"grant_type": "client_credentials"}
        )
        webhook = await app.post(
            "/2/webhooks",
            json={"url": f"{ingest.base_url}/webhooks/twitter"},
            headers={"authorization": f"Bearer {bearer.json()['access_token']}"},
        )
        assert webhook.status_code == 200, webhook.text
        token = await sim.issue_token("acme_support")
        auth = OAuth1Auth(KEY, SECRET, token.oauth_token, token.oauth_token_secret)
        subscribed = await app.post(
            f"/2/account_activity/webhooks/{webhook.json()['id']}/subscriptions/all", auth=auth
        )
        assert subscribed.json() == {"data": {"subscribed": True}}, subscribed.text
        yield World(
            sim,
            api,
            ingest,
            brand_id,
            physical_name(TWITTER_ACTIVITY, topic_prefix),
            physical_name(TWITTER_WEBHOOKS_RAW, topic_prefix),
            kafka_bootstrap_servers,
        )


async def test_simulated_activity_becomes_ordered_deduplicable_events(world: World) -> None:
    sim = world.sim
    await sim.configure_delivery(duplicates=1)  # every delivery twice, one after the other
    jane = await sim.create_user(f"jane_{uuid.uuid4().hex[:6]}", name="Jane Doe")
    mention = await sim.mention(jane, "acme_support", "my order is late")
    echo = await sim.reply("acme_support", mention.id, "Sorry Jane, checking now.")
    reply = await sim.reply(jane, echo.id, "thanks!")
    dm = await sim.send_dm(jane, "acme_support", "order #48213")
    await sim.revoke_app("acme_support")

    deliveries = await sim.deliveries(for_user_id=world.brand_id)
    assert [d.status_code for d in deliveries] == [200] * 10, deliveries
    conversation, account = f"{world.brand_id}:{jane.id}", world.brand_id

    def ours(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [m for m in messages if m["key"] in {conversation, account}]

    seen = ours(
        await consume_until(
            world.servers, world.activity_topic, lambda m: len(ours(m)) >= 10, within=30
        )
    )
    in_conversation = [m["value"] for m in seen if m["key"] == conversation]
    expected = [
        ("twitter.tweet.received", mention.id, "mention", False),
        ("twitter.tweet.received", echo.id, "own", True),
        ("twitter.tweet.received", reply.id, "reply", False),
        ("twitter.direct_message.received", dm.id, None, False),
    ]
    got = [
        (
            e["type"],
            e["payload"].get("tweet_id", e["payload"].get("dm_event_id")),
            e["payload"].get("relation"),
            e["payload"]["from_account"],
        )
        for e in in_conversation
    ]
    # In order on the conversation's key; each delivery's copy right behind it.
    assert got == [item for item in expected for _ in range(2)]
    ids = [e["event_id"] for e in in_conversation]
    assert ids[0::2] == ids[1::2]  # a duplicate delivery yields the same event id
    assert len(set(ids)) == 4
    assert all(e["payload"]["customer_id"] == jane.id for e in in_conversation)

    revokes = [m["value"] for m in seen if m["key"] == account]
    assert [e["type"] for e in revokes] == ["twitter.app.revoked"] * 2
    assert revokes[0]["event_id"] == revokes[1]["event_id"]

    # Every copy is on the raw topic too, naming the events it became.
    raw = await consume_until(
        world.servers,
        world.raw_topic,
        lambda m: sum(r["key"] == account for r in m) >= 10,
        within=30,
    )
    named = [r["value"]["payload"]["event_ids"] for r in raw if r["key"] == account]
    assert [ids for ids in named if ids] == [[i] for i in ids] + [[revokes[0]["event_id"]]] * 2


async def test_simulated_like_and_deletion_land_in_the_customers_conversation(
    world: World,
) -> None:
    sim = world.sim
    jane = await sim.create_user(f"jane_{uuid.uuid4().hex[:6]}")
    mention = await sim.mention(jane, "acme_support", "hello?")
    answer = await sim.reply("acme_support", mention.id, "Hi! How can we help?")
    await sim.like(jane, answer.id)
    await sim.delete_tweet(mention.id)
    conversation = f"{world.brand_id}:{jane.id}"

    def ours(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [m["value"] for m in messages if m["key"] == conversation]

    seen = ours(
        await consume_until(
            world.servers, world.activity_topic, lambda m: len(ours(m)) >= 4, within=30
        )
    )
    assert [e["type"] for e in seen] == [
        "twitter.tweet.received",
        "twitter.tweet.received",
        "twitter.tweet.favorited",
        "twitter.tweet.deleted",
    ]
    liked, deleted = seen[2]["payload"], seen[3]["payload"]
    assert (liked["tweet_id"], liked["user"]["id"]) == (answer.id, jane.id)
    assert (liked["customer_id"], liked["from_account"]) == (jane.id, False)
    assert (deleted["tweet_id"], deleted["user_id"]) == (mention.id, jane.id)
