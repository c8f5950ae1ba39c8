"""The seed article's story, told against a running stack (`make up`, then `make demo`).

    uv run python scripts/demo.py [--access URL] [--channel URL] [--conversation URL]
                                  [--twitter URL] [--kafka SERVERS] [--topic-prefix PREFIX]

It talks only to the public interfaces: the services' HTTP APIs (tokens from access-svc's
development issuer), the Twitter simulator (its Twitter API for the OAuth approval and its
control API for the simulated customers), and the public topic `conversations.v1`. Every
step is printed; any expectation that does not hold ends it with exit code 1, so CI runs
it as a test (tests/e2e/test_demo.py). Each run makes a new organization and new Twitter
users, so it can run again and again against the same stack.
"""

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx

from switchboard_contracts.topics import CHANNELS, CONVERSATIONS
from switchboard_platform.kafka.naming import physical_name
from switchboard_testing.kafka import consume_until, read_all
from switchboard_twitter_sim.client import SimulatorClient

T = TypeVar("T")
DAY = 24 * 3600
LOCAL = "http://127.0.0.1"


class DemoFailedError(AssertionError):
    """An expectation of the story did not hold."""


def step(text: str) -> None:
    sys.stdout.write(f"\n== {text}\n")
    sys.stdout.flush()


def show(text: str) -> None:
    sys.stdout.write(f"   {text}\n")
    sys.stdout.flush()


def expect(condition: bool, what: str) -> None:  # noqa: FBT001 - reads as a sentence
    if not condition:
        raise DemoFailedError(what)
    show(f"ok: {what}")


def answer(response: httpx.Response, status: int, what: str) -> Any:
    if response.status_code != status:
        raise DemoFailedError(
            f"{what}: expected {status}, got {response.status_code} "
            f"({response.request.method} {response.request.url}): {response.text[:500]}"
        )
    return response.json() if response.content else None


async def eventually(
    what: str, probe: Callable[[], Awaitable[T | None]], within: float = 30.0
) -> T:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = await probe()
        if found is not None:
            return found
        await asyncio.sleep(0.1)
    raise DemoFailedError(f"{what}: not within {within:.0f}s")


class Story:
    """The clients and who is who."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.access = httpx.AsyncClient(base_url=args.access, timeout=30)
        self.channels = httpx.AsyncClient(base_url=args.channel, timeout=30)
        self.conversations = httpx.AsyncClient(base_url=args.conversation, timeout=30)
        self.sim = SimulatorClient(args.twitter)
        self.browser = httpx.AsyncClient(timeout=30)  # the admin's browser: no redirects
        self.org = uuid.uuid4()
        self.run = uuid.uuid4().hex[:6]  # unique names per run
        self.tokens: dict[uuid.UUID, dict[str, str]] = {}
        self.names: dict[str, str] = {}

    async def aclose(self) -> None:
        for client in (self.access, self.channels, self.conversations, self.browser):
            await client.aclose()
        await self.sim.aclose()

    async def token(self, user_id: uuid.UUID, org_role: str = "agent") -> dict[str, str]:
        response = await self.access.post(
            "/v1/dev/tokens",
            json={"org_id": str(self.org), "user_id": str(user_id), "org_role": org_role},
        )
        body = answer(response, 200, "a token from the development issuer")
        headers = {"authorization": f"Bearer {body['access_token']}"}
        self.tokens[user_id] = headers
        return headers

    def who(self, user_id: object) -> str:
        return self.names.get(str(user_id), str(user_id))


async def tell(story: Story) -> None:  # noqa: C901, PLR0915 - one story, in order
    started = time.monotonic()
    access, channels, conversations, sim = (
        story.access,
        story.channels,
        story.conversations,
        story.sim,
    )

    # --- the organization, its admin, teams and agents ------------------------------------
    step(f"An organization ({story.org}) and its admin")
    founder = await story.token(uuid.uuid4(), "admin")  # the identity provider's first admin
    admin_user = answer(
        await access.post(
            "/v1/users",
            json={
                "email": f"ada-{story.run}@acme.example",
                "display_name": "Ada Admin",
                "org_role": "admin",
            },
            headers=founder,
        ),
        201,
        "create the admin",
    )
    admin = await story.token(uuid.UUID(admin_user["id"]), "admin")
    show(f"Ada Admin ({admin_user['id']}) signs in with an admin token")

    step("Two teams, and agents in them")
    teams = {}
    for name in ("Care", "Social"):
        team = answer(
            await access.post("/v1/teams", json={"name": name}, headers=admin), 201, "a team"
        )
        teams[name] = team["id"]
        show(f"team {name} ({team['id']})")
    agents: dict[str, uuid.UUID] = {}
    for name, team in (
        ("Vera Viewer", "Care"),
        ("Carl Contributor", "Care"),
        ("Sue Supervisor", "Care"),
        ("Sam Social", "Social"),
        ("Olga Outside", None),
    ):
        first = name.split()[0].lower()
        user = answer(
            await access.post(
                "/v1/users",
                json={"email": f"{first}-{story.run}@acme.example", "display_name": name},
                headers=admin,
            ),
            201,
            f"create {name}",
        )
        agents[first] = uuid.UUID(user["id"])
        story.names[user["id"]] = name
        await story.token(agents[first])
        if team is not None:
            answer(
                await access.post(
                    f"/v1/teams/{teams[team]}/members", json={"user_id": user["id"]}, headers=admin
                ),
                201,
                f"{name} joins {team}",
            )
        show(f"{name:17} agent, team {team or '(none)'}")
    vera, carl, sue, olga = (story.tokens[agents[n]] for n in ("vera", "carl", "sue", "olga"))

    # --- Step 1-3: Add Channel -> Twitter -> Authorize app ----------------------------------
    handle = f"acme_{story.run}"
    step(f"Add Channel -> Twitter: authorize the app as @{handle} (on the Twitter simulator)")
    brand = await sim.create_user(handle, name="ACME Support")
    started_auth = answer(
        await channels.post("/v1/channels/twitter/authorizations", headers=admin),
        201,
        "start the authorization",
    )
    show(f"channel-svc sends the browser to {started_auth['authorization_url']}")
    await sim.script_authorization(approve_as=brand)  # the person clicks "Authorize app"
    page = await story.browser.get(started_auth["authorization_url"])
    expect(page.status_code == 302, "Twitter redirects the browser back to channel-svc")
    callback = page.headers["location"]
    show(f"callback: {callback.split('?')[0]}?oauth_token=...&oauth_verifier=...&state=...")
    connected = answer(await story.browser.get(callback), 200, "the OAuth callback")
    channel = connected["channel"]
    channel_id = channel["id"]
    expect(connected["change"] == "connected", "the account is a new channel")
    expect(connected["webhook_subscribed"] is True, "the account is subscribed to the webhook")
    show(f"channel {channel_id}: {channel['name']} {channel['url']} ({channel['status']})")

    # --- Step 4: edit the channel ---------------------------------------------------------
    step("Edit the channel: display name, auto-ownership on, auto-resolve after 3 / 7 days")
    edited = answer(
        await channels.patch(
            f"/v1/channels/{channel_id}",
            json={
                "display_name": "ACME Support (Twitter)",
                "auto_ownership": True,
                "auto_resolve": {
                    "enabled": True,
                    "new_after_seconds": 3 * DAY,
                    "pending_after_seconds": 7 * DAY,
                },
            },
            headers=admin,
        ),
        200,
        "save the settings",
    )
    expect(edited["display_name"] == "ACME Support (Twitter)", "the display name is saved")
    expect(edited["auto_ownership"] is True, "auto-ownership is on")
    show(f"auto-resolve: {edited['auto_resolve']}")

    # --- Team access and roles (access-svc) -----------------------------------------------
    step("Team access: Care gets the channel as Contributors; Vera Viewer, Sue Supervisor")

    async def known_to_access() -> bool | None:  # access-svc learns channels on channels.v1
        listed = await access.get("/v1/channels", headers=admin)
        return True if channel_id in {c["id"] for c in listed.json()} else None

    async def known_to_conversations() -> bool | None:
        # channels.v1 brings conversation-svc the settings a moment after they are saved:
        # 404 until it has the channel, then the revision it applies.
        seen = await conversations.get(f"/v1/channels/{channel_id}", headers=admin)
        applied = seen.json()["revision"] if seen.status_code == httpx.codes.OK else 0
        return True if applied >= edited["revision"] else None

    await eventually("access-svc knows the channel", known_to_access)
    await eventually("conversation-svc applies the channel's settings", known_to_conversations)
    grants = f"/v1/channels/{channel_id}/access"
    answer(
        await access.put(
            f"{grants}/teams/{teams['Care']}", json={"role": "contributor"}, headers=admin
        ),
        200,
        "grant the Care team",
    )
    for name, role in (("vera", "viewer"), ("sue", "supervisor")):
        answer(
            await access.put(
                f"{grants}/teams/{teams['Care']}/members/{agents[name]}",
                json={"role": role},
                headers=admin,
            ),
            200,
            f"{name}'s member role",
        )
    for name in ("vera", "carl", "sue", "sam"):
        check = answer(
            await access.post(
                "/v1/check",
                json={"user_id": str(agents[name]), "channel_id": channel_id, "action": "read"},
                headers=admin,
            ),
            200,
            "check",
        )
        show(f"{story.who(agents[name]):17} role {check['role']} (from {check['source']})")
    expect(
        (
            await access.post(
                "/v1/check",
                json={"user_id": str(agents["sam"]), "channel_id": channel_id, "action": "read"},
                headers=admin,
            )
        ).json()["allowed"]
        is False,
        "Sam (team Social, no grant) has no access",
    )

    step("Toggle All Users: everyone may view the channel, then off again")
    answer(
        await access.put(f"{grants}/all-users", json={"role": "viewer"}, headers=admin),
        200,
        "All Users on",
    )
    selector = answer(await channels.get("/v1/channels", headers=olga), 200, "Olga's selector")
    expect(
        [c["id"] for c in selector] == [channel_id],
        "Olga (no team) sees the channel in her selector while All Users is on",
    )
    answer(await access.delete(f"{grants}/all-users", headers=admin), 204, "All Users off")
    selector = answer(await channels.get("/v1/channels", headers=olga), 200, "Olga's selector")
    expect(selector == [], "and no longer once it is off")

    # --- Customers write ------------------------------------------------------------------
    jane = await sim.create_user(f"jane_{story.run}", name="Jane Doe")
    omar = await sim.create_user(f"omar_{story.run}", name="Omar Khan")
    step(f"@{jane.screen_name} tweets at @{handle}; @{omar.screen_name} sends a DM")
    mention = await sim.mention(jane, brand, "my order #1234 is late, can you help?")
    show(f"tweet {mention.id}: {mention.text!r} (signed webhook -> ingest-svc -> Kafka)")
    dm = await sim.send_dm(omar, brand, "Hi, how do I change my delivery address?")
    show(f"DM {dm.id}: {dm.text!r}")

    # --- The New queue --------------------------------------------------------------------
    step("The New queue (as Sue)")
    queue = f"/v1/channels/{channel_id}/conversations"

    async def both_new() -> list[dict[str, Any]] | None:
        response = await conversations.get(queue, params={"queue": "new"}, headers=sue)
        items = answer(response, 200, "the New queue")["items"]
        return items if len(items) == 2 else None

    new = await eventually("both conversations in New", both_new)
    for item in new:
        show(
            f"{item['id']}  @{item['customer']['screen_name']:14} {item['status']:8} "
            f"owner {item['owner_id']}"
        )
    by_customer = {item["customer"]["id"]: item["id"] for item in new}
    expect(set(by_customer) == {jane.id, omar.id}, "one conversation per customer")
    janes = f"/v1/conversations/{by_customer[jane.id]}"
    omars = f"/v1/conversations/{by_customer[omar.id]}"

    # --- A Viewer may not reply -----------------------------------------------------------
    step("Vera (Viewer) tries to reply to Jane")
    refused = await conversations.post(f"{janes}/replies", json={"text": "Hi!"}, headers=vera)
    expect(refused.status_code == 403, "refused: 403")
    show(f"{refused.json()['message']}")

    # --- A Contributor replies and owns ---------------------------------------------------
    step(
        "Carl (Contributor) replies to Jane and moves it to Pending; auto-ownership makes "
        "him the owner"
    )
    text = f"Sorry Jane! Your order ships today. (ref {story.run})"
    reply = answer(
        await conversations.post(
            f"{janes}/replies", json={"text": text, "then": "pending"}, headers=carl
        ),
        202,
        "Carl's reply",
    )
    show(f"reply {reply['id']} requested -> replies.requested.v1 -> channel-svc -> Twitter")

    async def on_twitter() -> str | None:
        tweets = (await sim.sent(brand)).tweets
        return next((t.id for t in tweets if text in t.text), None)

    reply_tweet = await eventually("the reply on Twitter", on_twitter)
    show(f"on Twitter: @{handle} tweeted {reply_tweet} in reply to {mention.id}")

    async def delivered() -> dict[str, Any] | None:
        detail = answer(await conversations.get(janes, headers=carl), 200, "the conversation")
        states = {m["id"]: m["delivery_state"] for m in detail["messages"]}
        return detail if states.get(reply["id"]) == "sent" else None

    detail = await eventually("the reply marked sent", delivered)
    if detail["conversation"]["owner_id"] != str(agents["carl"]):
        raise DemoFailedError(
            f"Carl owns it: the owner is {detail['conversation']['owner_id']}\n"
            + await ownership_story(story, by_customer[jane.id], channel_id)
        )
    show("ok: Carl owns it")
    expect(detail["conversation"]["status"] == "pending", "it waits in Pending for Jane")

    step("Carl answers Omar's DM, also moving it to Pending")
    dm_text = f"You can change it under Account > Addresses. (ref {story.run})"
    answer(
        await conversations.post(
            f"{omars}/replies", json={"text": dm_text, "then": "pending"}, headers=carl
        ),
        202,
        "the DM reply",
    )

    async def dm_sent() -> bool | None:
        return (
            True
            if any(dm_text in m.text for m in (await sim.sent(brand)).direct_messages)
            else None
        )

    await eventually("the DM on Twitter", dm_sent)
    show("the DM reached Omar on Twitter; the conversation is Pending")

    # --- The customer answers -------------------------------------------------------------
    step("Jane answers Carl's tweet: the conversation comes back to New")
    await sim.reply(jane, reply_tweet, "great, thanks!")

    async def reopened() -> dict[str, Any] | None:
        detail = answer(await conversations.get(janes, headers=carl), 200, "the conversation")
        inbound = [m for m in detail["messages"] if m["direction"] == "inbound"]
        return detail if len(inbound) == 2 and detail["conversation"]["status"] == "new" else None

    detail = await eventually("Jane's answer", reopened)
    for message in detail["messages"]:
        who = story.who(message["author_user_id"]) if message["author_user_id"] else "Jane"
        show(f"{message['direction']:8} {who:17} {message['text']!r} ({message['delivery_state']})")
    expect(detail["conversation"]["owner_id"] == str(agents["carl"]), "still Carl's")

    # --- Resolve --------------------------------------------------------------------------
    step("Carl resolves it: Resolved, and nobody owns it any more")
    resolved = answer(
        await conversations.post(f"{janes}/status", json={"status": "resolved"}, headers=carl),
        200,
        "resolve",
    )
    expect(resolved["status"] == "resolved", "Resolved")
    expect(resolved["owner_id"] is None, "ownership removed on Resolved")

    # --- Reports --------------------------------------------------------------------------
    step("Reports: a Contributor may not see them, a Supervisor does")
    window = {
        "start": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        "end": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
    }
    reports = f"/v1/channels/{channel_id}/reports"
    denied = await conversations.get(reports, params=window, headers=carl)
    expect(denied.status_code == 403, "Carl: 403")
    report = answer(await conversations.get(reports, params=window, headers=sue), 200, "Sue")
    show(
        f"created {report['created']}, reopened {report['reopened']}, "
        f"resolved by hand {report['resolved_by_hand']}, auto-resolved {report['auto_resolved']}"
    )
    show(f"queues now {report['queues']}")
    show(f"first response (s) {report['first_response_seconds']}")
    replies = {story.who(k): v for k, v in report["replies_per_agent"].items()}
    show(f"replies per agent {replies}")
    expect(report["created"] == 2, "two conversations created")
    expect(report["reopened"] == 1, "one reopened (Jane's answer)")
    expect(report["resolved_by_hand"] == 1, "one resolved by hand")
    expect(report["queues"] == {"new": 0, "pending": 1, "resolved": 1}, "queues add up")
    expect(replies == {"Carl Contributor": 2}, "Carl sent two replies")

    # --- What a subscriber of conversations.v1 saw ----------------------------------------
    if story.args.kafka:
        topic = physical_name(CONVERSATIONS, story.args.topic_prefix)
        step(f"What any subscriber of {topic} saw about Jane's conversation")
        key = by_customer[jane.id]

        def complete(seen: list[dict[str, Any]]) -> bool:
            return any(
                m["key"] == key and m["value"]["payload"]["conversation"]["status"] == "resolved"
                for m in seen
            )

        seen = await consume_until(story.args.kafka, topic, complete, within=30)
        for message in (m for m in seen if m["key"] == key):
            event = message["value"]
            state = event["payload"]["conversation"]
            show(f"{event['type']:36} -> {state['status']:8} owner {story.who(state['owner_id'])}")

    step(f"The story holds: done in {time.monotonic() - started:.1f}s")


async def ownership_story(story: Story, conversation_id: str, channel_id: str) -> str:
    """What conversations.v1 and channels.v1 said of a conversation's owner and its
    channel's auto-ownership: for a failure to say which went wrong."""
    if not story.args.kafka:
        return "(run with --kafka to see the events)"
    lines = []
    for catalogue, key in ((CHANNELS, channel_id), (CONVERSATIONS, conversation_id)):
        topic = physical_name(catalogue, story.args.topic_prefix)
        seen = await read_all(story.args.kafka, topic, within=10)
        for message in (m for m in seen if m["key"] == key):
            event, payload = message["value"], message["value"]["payload"]
            lines.append(
                f"{topic}: {event['type']} {event['occurred_at']} "
                + json.dumps({k: payload.get(k) for k in ("revision", "auto_ownership", "reason")})
                + f" owner {payload.get('conversation', {}).get('owner_id')}"
            )
    return "\n".join(lines)


def arguments() -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--access", default=env("SB_ACCESS_URL", f"{LOCAL}:8001"))
    parser.add_argument("--channel", default=env("SB_CHANNEL_URL", f"{LOCAL}:8002"))
    parser.add_argument("--conversation", default=env("SB_CONVERSATION_URL", f"{LOCAL}:8004"))
    parser.add_argument("--twitter", default=env("SB_TWITTER_SIM_URL", f"{LOCAL}:8010"))
    parser.add_argument(
        "--kafka",
        default=env("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
        help="read conversations.v1 at the end (empty: skip)",
    )
    parser.add_argument("--topic-prefix", default=env("KAFKA_TOPIC_PREFIX", ""))
    return parser.parse_args()


async def main() -> int:
    story = Story(arguments())
    try:
        await tell(story)
    except DemoFailedError as failed:
        sys.stdout.write(f"\nDEMO FAILED: {failed}\n")
        return 1
    except httpx.ConnectError as exc:
        sys.stdout.write(
            f"\nDEMO FAILED: cannot reach {exc.request.url}: is the stack up (make up)?\n"
        )
        return 1
    finally:
        await story.aclose()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
