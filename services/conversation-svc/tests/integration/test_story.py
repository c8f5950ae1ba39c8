"""The seed's story over the real broker and PostgreSQL, with the real access-svc.

A customer mention creates a conversation in New; a Viewer moves it to Pending but may not
reply; a Contributor replies and becomes owner (auto-ownership on), the reply leaves on
replies.requested.v1 and is marked sent when the result arrives; the customer answers and
it is New again; resolving clears ownership; with auto-ownership off nobody becomes owner;
auto-resolve resolves a stale Pending conversation after its channel's threshold (moved
clock) and a channel with auto-resolve off keeps it; a Contributor gets 403 on reports, a
Supervisor sees them. And a revoked grant takes effect within one second.
"""

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from switchboard_contracts.events.channels import AutoResolve
from switchboard_contracts.topics import (
    CHANNELS,
    REPLIES_REQUESTED,
    REPLIES_RESULTS,
    TWITTER_ACTIVITY,
)
from switchboard_conversation.service_layer.auto_resolve import sweep
from switchboard_testing.builders import channel_snapshot, reply_sent, tweet_received
from switchboard_testing.kafka import consume_until
from switchboard_testing.waiting import eventually

from .conftest import Stack

pytestmark = pytest.mark.integration
HOUR = 3600


async def user(stack: Stack, name: str) -> uuid.UUID:
    response = await stack.access.post(
        "/v1/users",
        json={
            "email": f"{uuid.uuid4().hex[:8]}@example.com",
            "display_name": name,
            "org_role": "agent",
        },
        headers=stack.as_admin(),
    )
    assert response.status_code == 201, response.text
    return uuid.UUID(response.json()["id"])


async def connect(
    stack: Stack, account: str, *, auto_ownership: bool, auto_resolve: AutoResolve
) -> uuid.UUID:
    snapshot = channel_snapshot(
        org_id=stack.org,
        account_id=account,
        auto_ownership=auto_ownership,
        auto_resolve=auto_resolve,
    )
    channel_id = snapshot.payload.channel_id
    await stack.publisher.publish(CHANNELS, snapshot, key=str(channel_id))

    async def known() -> bool | None:  # access-svc learns channels from channels.v1 too
        response = await stack.access.get("/v1/channels", headers=stack.as_admin())
        return True if str(channel_id) in {c["id"] for c in response.json()} else None

    async def listed() -> bool | None:  # and conversation-svc, which answers 404 until then
        response = await stack.conversation.get(
            f"/v1/channels/{channel_id}/conversations", headers=stack.as_admin()
        )
        return True if response.status_code == httpx.codes.OK else None

    await eventually("access-svc knows the channel", known)
    await eventually("conversation-svc knows the channel", listed)
    return channel_id


async def grant(stack: Stack, channel_id: uuid.UUID, user_id: uuid.UUID, role: str) -> None:
    response = await stack.access.put(
        f"/v1/channels/{channel_id}/access/users/{user_id}",
        json={"role": role},
        headers=stack.as_admin(),
    )
    assert response.status_code == 200, response.text


async def customer_tweets(stack: Stack, account: str, customer: str, tweet_id: str) -> None:
    tweet = tweet_received(
        tweet_id=tweet_id, customer_id=customer, account_id=account, created_at=stack.clock()
    )
    await stack.publisher.publish(TWITTER_ACTIVITY, tweet, key=f"{account}:{customer}")


async def conversation_in(
    stack: Stack, channel_id: uuid.UUID, headers: dict[str, str], **where: Any
) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        response = await stack.conversation.get(
            f"/v1/channels/{channel_id}/conversations", headers=headers
        )
        assert response.status_code == 200, response.text
        for item in response.json()["items"]:
            if all(item[k] == v for k, v in where.items()):
                return dict(item)
        return None

    return await eventually(f"a conversation with {where}", probe)


async def post(stack: Stack, path: str, headers: dict[str, str], **body: Any) -> httpx.Response:
    return await stack.conversation.post(path, json=body, headers=headers)


async def test_the_seed_story(stack: Stack) -> None:  # noqa: PLR0915 - one story, in order
    viewer, contributor, supervisor = [await user(stack, n) for n in ("Vi", "Con", "Sup")]
    hour_pending = AutoResolve(new_after_seconds=30 * 24 * HOUR, pending_after_seconds=HOUR)
    owned = await connect(stack, "4100000001", auto_ownership=True, auto_resolve=hour_pending)
    unowned = await connect(
        stack, "4100000002", auto_ownership=False, auto_resolve=AutoResolve(enabled=False)
    )
    for channel in (owned, unowned):
        await grant(stack, channel, viewer, "viewer")
        await grant(stack, channel, contributor, "contributor")
        await grant(stack, channel, supervisor, "supervisor")
    as_viewer, as_contributor = stack.as_user(viewer), stack.as_user(contributor)

    # A customer mention creates a conversation in New.
    await customer_tweets(stack, "4100000001", "9001", "5000001")
    item = await conversation_in(stack, owned, as_viewer, status="new")
    path = f"/v1/conversations/{item['id']}"

    # A Viewer may move it to Pending, but not reply.
    moved = await post(stack, f"{path}/status", as_viewer, status="pending")
    assert (moved.status_code, moved.json()["status"]) == (200, "pending")
    refused = await post(stack, f"{path}/replies", as_viewer, text="hello")
    assert refused.status_code == 403
    assert refused.json()["field"] == "reply"
    assert "contributor" in refused.json()["message"]

    # A Contributor replies and becomes owner; the reply leaves on replies.requested.v1.
    replied = await post(stack, f"{path}/replies", as_contributor, text="We are on it")
    assert replied.status_code == 202, replied.text
    message_id = replied.json()["id"]
    detail = (await stack.conversation.get(path, headers=as_contributor)).json()
    assert detail["conversation"]["owner_id"] == str(contributor)
    requested = await consume_until(
        stack.kafka.bootstrap_servers,
        stack.publisher.topic_name(REPLIES_REQUESTED),
        lambda seen: any(m["value"]["event_id"] == message_id for m in seen),
    )
    [request] = [m["value"] for m in requested if m["value"]["event_id"] == message_id]
    assert request["payload"]["in_reply_to_tweet_id"] == "5000001"

    # channel-svc's result arrives: the reply is marked sent.
    await stack.publisher.publish(
        REPLIES_RESULTS,
        reply_sent(
            org_id=stack.org,
            conversation_id=uuid.UUID(item["id"]),
            message_id=uuid.UUID(message_id),
            twitter_id="5000002",
        ),
        key=item["id"],
    )

    async def sent() -> bool | None:
        found = (await stack.conversation.get(path, headers=as_contributor)).json()
        states = {m["id"]: m["delivery_state"] for m in found["messages"]}
        return True if states[message_id] == "sent" else None

    await eventually("the reply sent", sent)

    # The customer answers: New again (still owned).
    await customer_tweets(stack, "4100000001", "9001", "5000003")
    again = await conversation_in(stack, owned, as_viewer, status="new", id=item["id"])
    assert again["owner_id"] == str(contributor)

    # Resolving clears ownership.
    resolved = await post(stack, f"{path}/status", as_contributor, status="resolved")
    assert (resolved.json()["status"], resolved.json()["owner_id"]) == ("resolved", None)

    # With auto-ownership off, a reply makes nobody owner.
    await customer_tweets(stack, "4100000002", "9002", "6000001")
    other = await conversation_in(stack, unowned, as_viewer, status="new")
    other_path = f"/v1/conversations/{other['id']}"
    reply = await post(stack, f"{other_path}/replies", as_contributor, text="Hi", then="pending")
    assert reply.status_code == 202
    after = (await stack.conversation.get(other_path, headers=as_contributor)).json()
    assert (after["conversation"]["owner_id"], after["conversation"]["status"]) == (None, "pending")

    # Auto-resolve: a stale Pending conversation resolves after its channel's threshold;
    # the channel with auto-resolve off keeps its own.
    await customer_tweets(stack, "4100000001", "9003", "5000010")
    stale = await conversation_in(
        stack,
        owned,
        as_viewer,
        status="new",
        customer={"id": "9003", "screen_name": "customer", "name": None},
    )
    await post(stack, f"/v1/conversations/{stale['id']}/status", as_contributor, status="pending")
    stack.clock.offset = timedelta(minutes=30)
    assert await sweep(stack.context) == 0
    stack.clock.offset = timedelta(hours=1, minutes=1)
    assert await sweep(stack.context) == 1
    swept = (
        await stack.conversation.get(f"/v1/conversations/{stale['id']}", headers=as_viewer)
    ).json()
    assert swept["conversation"]["status"] == "resolved"
    assert swept["history"][-1]["reason"] == "auto_resolve"
    kept = (await stack.conversation.get(other_path, headers=as_viewer)).json()
    assert kept["conversation"]["status"] == "pending"

    # Reports: a Contributor may not see them, a Supervisor does.
    window = {
        "start": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        "end": (datetime.now(UTC) + timedelta(hours=3)).isoformat(),
    }
    reports = f"/v1/channels/{owned}/reports"
    denied = await stack.conversation.get(reports, params=window, headers=as_contributor)
    assert denied.status_code == 403
    assert denied.json()["field"] == "view_reports"
    shown = await stack.conversation.get(reports, params=window, headers=stack.as_user(supervisor))
    assert shown.status_code == 200, shown.text
    figures = shown.json()
    assert (figures["created"], figures["reopened"]) == (2, 1)
    assert (figures["resolved_by_hand"], figures["auto_resolved"]) == (1, 1)
    assert figures["queues"] == {"new": 0, "pending": 0, "resolved": 2}
    assert figures["replies_per_agent"] == {str(contributor): 1}
    assert figures["first_response_seconds"]["median"] is not None


async def test_a_revoked_grant_takes_effect_within_one_second(stack: Stack) -> None:
    agent = await user(stack, "Leaving")
    channel = await connect(stack, "4100000003", auto_ownership=True, auto_resolve=AutoResolve())
    await grant(stack, channel, agent, "contributor")
    headers = stack.as_user(agent)
    queue = f"/v1/channels/{channel}/conversations"
    for _ in range(5):  # answers are cached now
        assert (await stack.conversation.get(queue, headers=headers)).status_code == 200
    revoked = await stack.access.delete(
        f"/v1/channels/{channel}/access/users/{agent}", headers=stack.as_admin()
    )
    assert revoked.status_code == 204
    started = time.monotonic()
    while (await stack.conversation.get(queue, headers=headers)).status_code == 200:
        await asyncio.sleep(0.01)
    took = time.monotonic() - started
    print(f"revocation took effect after {took * 1000:.0f} ms")  # noqa: T201
    assert took < 1.0
    assert (await stack.conversation.get(queue, headers=headers)).status_code == 404
