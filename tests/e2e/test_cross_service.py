"""Cross-service behaviour of the whole system (separate processes, real Kafka and
PostgreSQL), driven only through the public interfaces: the HTTP APIs, the Twitter
simulator, and the public topics."""

import asyncio
import time
from datetime import datetime
from typing import Any

import pytest

from switchboard_contracts.topics import CHANNELS, CONVERSATIONS
from switchboard_platform.kafka.naming import physical_name
from switchboard_testing.folding import COMPARED, fold
from switchboard_testing.kafka import consume_until, read_all
from switchboard_testing.organization import Org, unique
from switchboard_testing.system import System
from switchboard_testing.waiting import eventually
from switchboard_twitter_sim.client import SimulatorClient

pytestmark = pytest.mark.e2e


async def test_a_revoked_app_deauthorizes_the_channel_and_replies_fail_saying_why(
    system: System,
) -> None:
    async with Org(system) as org, SimulatorClient(system.twitter.base_url) as sim:
        brand, channel_id, _, as_carl = await org.staffed_channel(sim)
        jane = await sim.create_user(unique("jane"))
        await sim.mention(jane, brand, "is anyone there?")
        item = await org.conversation_of(channel_id, jane, as_carl)

        # The brand withdraws the app on Twitter: user_event.revoke -> ingest-svc ->
        # twitter.app.revoked -> channel-svc.
        await sim.revoke_app(brand)

        async def deauthorized() -> dict[str, Any] | None:
            response = await org.channels.get(f"/v1/channels/{channel_id}", headers=org.admin)
            body: dict[str, Any] = response.json()
            return body if body["status"] == "deauthorized" else None

        await eventually("channel-svc shows the channel deauthorized", deauthorized)
        seen = await consume_until(
            system.kafka_bootstrap_servers,
            physical_name(CHANNELS, system.topic_prefix),
            lambda ms: any(
                m["key"] == channel_id and m["value"]["payload"]["status"] == "deauthorized"
                for m in ms
            ),
        )
        [event] = [
            m["value"]
            for m in seen
            if m["key"] == channel_id and m["value"]["payload"]["status"] == "deauthorized"
        ]
        assert event["type"] == "channel.snapshot"
        assert event["payload"]["change"] == "deauthorized"

        # A reply now fails, and conversation-svc says why.
        path = f"/v1/conversations/{item['id']}"
        reply = await org.conversations.post(
            f"{path}/replies", json={"text": "We are here!"}, headers=as_carl
        )
        assert reply.status_code == 202, reply.text
        message_id = reply.json()["id"]

        async def failed() -> dict[str, Any] | None:
            detail = (await org.conversations.get(path, headers=as_carl)).json()
            [message] = [m for m in detail["messages"] if m["id"] == message_id]
            return dict(message) if message["delivery_state"] == "failed" else None

        message = await eventually("the reply marked failed", failed)
        assert message["failure_reason"] == "channel_deauthorized", message
        assert (await sim.sent(brand)).tweets == []  # nothing reached Twitter


async def test_a_grant_revoked_in_access_svc_takes_effect_in_conversation_svc(
    system: System,
) -> None:
    async with Org(system) as org, SimulatorClient(system.twitter.base_url) as sim:
        brand, channel_id, agent, as_agent = await org.staffed_channel(sim, agent="Leaving")
        jane = await sim.create_user(unique("jane"))
        await sim.mention(jane, brand, "hello")
        item = await org.conversation_of(channel_id, jane, as_agent)
        path = f"/v1/conversations/{item['id']}"
        for _ in range(5):  # conversation-svc has the answer cached now
            assert (await org.conversations.get(path, headers=as_agent)).status_code == 200

        revoked = await org.access.delete(
            f"/v1/channels/{channel_id}/access/users/{agent}", headers=org.admin
        )
        assert revoked.status_code == 204
        started = time.monotonic()
        while (await org.conversations.get(path, headers=as_agent)).status_code == 200:
            assert time.monotonic() - started < 1.0, "still readable a second after the revocation"
            await asyncio.sleep(0.01)
        took = time.monotonic() - started
        print(f"the revoked grant took effect in conversation-svc after {took * 1000:.0f} ms")  # noqa: T201
        assert (await org.conversations.get(path, headers=as_agent)).status_code == 404
        refused = await org.conversations.post(
            f"{path}/replies", json={"text": "still here?"}, headers=as_agent
        )
        assert refused.status_code == 404


async def test_an_outside_subscriber_rebuilds_every_conversation_from_the_events_alone(
    system: System,
) -> None:
    async with Org(system) as org, SimulatorClient(system.twitter.base_url) as sim:
        brand, channel_id, _, as_carl = await org.staffed_channel(sim, role="supervisor")
        customers = [await sim.create_user(unique(f"c{i}")) for i in range(4)]
        await sim.mention(customers[0], brand, "first")
        await sim.send_dm(customers[1], brand, "a DM")
        await sim.mention(customers[2], brand, "third")
        await sim.send_dm(customers[3], brand, "left alone")
        items = [await org.conversation_of(channel_id, c, as_carl) for c in customers]
        paths = [f"/v1/conversations/{item['id']}" for item in items]
        conversations = org.conversations

        # A mix of what agents do: replies (auto-ownership is on by default), moves,
        # ownership, tags, resolving; a customer answers.
        for response, status in (
            (
                await conversations.post(
                    f"{paths[0]}/replies", json={"text": "on it"}, headers=as_carl
                ),
                202,
            ),
            (await conversations.put(f"{paths[0]}/tags/late-order", headers=as_carl), 200),
            (
                await conversations.post(
                    f"{paths[1]}/replies",
                    json={"text": "see FAQ", "then": "pending"},
                    headers=as_carl,
                ),
                202,
            ),
            (await conversations.post(f"{paths[2]}/take", headers=as_carl), 200),
            (
                await conversations.post(
                    f"{paths[2]}/status", json={"status": "resolved"}, headers=as_carl
                ),
                200,
            ),
        ):
            assert response.status_code == status, response.text
        await sim.send_dm(customers[1], brand, "thanks, found it")

        async def settled() -> list[dict[str, Any]] | None:
            details = [(await conversations.get(p, headers=as_carl)).json() for p in paths]
            sent = all(m["delivery_state"] != "requested" for d in details for m in d["messages"])
            answered = details[1]["conversation"]["status"] == "new"
            return [d["conversation"] for d in details] if sent and answered else None

        await eventually("replies delivered and the answer in", settled)

        # The subscriber: read conversations.v1 from the beginning, keep ours, fold by key
        # (the conversation id), each event carrying the state after its change. What the
        # API shows may still move on (a late delivery report, an echo): compare a fold with
        # a read of the API taken after it, until both show the same revisions.
        topic = physical_name(CONVERSATIONS, system.topic_prefix)
        last: dict[str, Any] = {}

        async def agreed() -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]] | None:
            folded = fold(await read_all(system.kafka_bootstrap_servers, topic), str(org.id))
            now = await settled()
            if now is None:
                return None
            last.update(api={s["id"]: s["revision"] for s in now})
            last.update(events={i: s["revision"] for i, s in folded.items()})
            same = all(folded.get(s["id"], {}).get("revision") == s["revision"] for s in now)
            return (now, folded) if same else None

        try:
            states, folded = await eventually("the events caught up with the API", agreed)
        except AssertionError as e:
            raise AssertionError(f"{e}; revisions last seen: {last}") from None

        assert set(folded) == {s["id"] for s in states}
        for state in states:
            rebuilt = folded[state["id"]]
            assert {k: rebuilt[k] for k in COMPARED} == {k: state[k] for k in COMPARED}
            assert rebuilt["customer"]["id"] == state["customer"]["id"]
            for moment in ("created_at", "last_activity_at"):
                assert datetime.fromisoformat(rebuilt[moment]) == datetime.fromisoformat(
                    state[moment]
                )
