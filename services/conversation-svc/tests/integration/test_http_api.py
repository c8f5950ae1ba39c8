"""The agent HTTP API against real PostgreSQL, with the fake access-svc of `support.py`.

Only the HTTP app runs (no broker, no outbox relay), so what a request wrote stays in the
outbox where the test can count it: a refused request changes nothing and writes no event.
Conversations arrive through the real twitter.activity.v1 handler.
"""

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from switchboard_contracts.enums import ChannelRole, OrgRole
from switchboard_contracts.events.channels import AutoResolve
from switchboard_conversation.adapters import tables
from switchboard_conversation.bootstrap import create_app
from switchboard_conversation.service_layer.auto_resolve import sweep
from switchboard_conversation.service_layer.channels import handle_channel_snapshot
from switchboard_conversation.service_layer.context import ConversationContext
from switchboard_conversation.service_layer.twitter_activity import handle_activity
from switchboard_conversation.settings import ConversationSettings
from switchboard_platform.auth.settings import AuthSettings
from switchboard_platform.auth.signing import TokenSigner, generate_signing_key
from switchboard_platform.auth.standing import Standing
from switchboard_platform.db.engine import create_engine
from switchboard_platform.db.migrations import upgrade
from switchboard_platform.settings import DatabaseSettings, KafkaSettings
from switchboard_testing.builders import channel_snapshot, tweet_received

from .support import MIGRATIONS, FakeAccess

pytestmark = pytest.mark.integration
ISSUER = "https://id.switchboard.test"
AUDIENCE = "switchboard"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ACCOUNT = "3100000001"


class SetClock:
    """The service's clock, set by the test to exact instants."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@dataclass
class Api:
    client: httpx.AsyncClient
    context: ConversationContext
    access: FakeAccess
    clock: SetClock
    signer: TokenSigner
    engine: AsyncEngine
    org: uuid.UUID = field(default_factory=uuid.uuid4)
    channel: uuid.UUID = field(default_factory=uuid.uuid4)
    viewer: uuid.UUID = field(default_factory=uuid.uuid4)
    contributor: uuid.UUID = field(default_factory=uuid.uuid4)
    colleague: uuid.UUID = field(default_factory=uuid.uuid4)  # another Contributor
    supervisor: uuid.UUID = field(default_factory=uuid.uuid4)
    tweets: int = 0
    arrivals: int = 0  # customers who write while a test pages through a queue

    def as_user(
        self, user_id: uuid.UUID, *, role: OrgRole = OrgRole.AGENT, org: uuid.UUID | None = None
    ) -> dict[str, str]:
        token = self.signer.user_token(org_id=org or self.org, user_id=user_id, org_role=role)
        return {"authorization": f"Bearer {token}"}

    def as_admin(self, org: uuid.UUID | None = None) -> dict[str, str]:
        admin = uuid.uuid4()  # an admin on record (access-svc's standing says so)
        self.access.standings[admin] = Standing(admin, OrgRole.ADMIN, active=True)
        return self.as_user(admin, role=OrgRole.ADMIN, org=org)

    def grant(self, user: uuid.UUID, channel: uuid.UUID, role: ChannelRole) -> None:
        self.access.roles[(user, channel)] = role

    async def connect(
        self,
        channel: uuid.UUID,
        account: str,
        *,
        org: uuid.UUID | None = None,
        auto_resolve: AutoResolve | None = None,
    ) -> None:
        snapshot = channel_snapshot(
            org_id=org or self.org,
            channel_id=channel,
            account_id=account,
            auto_resolve=auto_resolve,
        )
        await handle_channel_snapshot(self.context.unit_of_work(), snapshot)

    async def tweet(self, customer: str, at: datetime, account: str = ACCOUNT) -> uuid.UUID:
        """A customer tweets to the account; the id of their conversation."""
        self.tweets += 1
        event = tweet_received(
            tweet_id=str(5_000_000 + self.tweets),
            customer_id=customer,
            account_id=account,
            created_at=at,
        )
        await handle_activity(self.context.unit_of_work(), event)
        c = tables.conversations.c
        async with self.engine.connect() as connection:
            found = await connection.scalar(
                select(c.id).where(c.customer_id == customer).order_by(c.created_at).limit(1)
            )
        assert found is not None
        return uuid.UUID(str(found))

    async def effects(self) -> tuple[Any, ...]:
        """Everything a request could have written: rows of every table it may touch."""
        async with self.engine.connect() as connection:
            counts = [
                await connection.scalar(select(func.count()).select_from(table))
                for table in (tables.outbox, tables.history, tables.messages, tables.notes)
            ]
            conversations = (
                await connection.execute(
                    select(tables.conversations).order_by(tables.conversations.c.id)
                )
            ).all()
        return (*counts, [tuple(row) for row in conversations])

    async def outbox(self) -> list[Any]:
        o = tables.outbox.c
        async with self.engine.connect() as connection:
            return list((await connection.execute(select(o.topic, o.event_type))).all())


@pytest.fixture
async def api(fresh_database_url: str, kafka_bootstrap_servers: str) -> AsyncIterator[Api]:
    upgrade(MIGRATIONS, fresh_database_url)
    signer = TokenSigner(generate_signing_key(), issuer=ISSUER, audience=AUDIENCE)
    auth = AuthSettings(
        issuer=ISSUER, audience=AUDIENCE, jwks=json.dumps(signer.jwks()), jwks_url=None
    )
    engine = create_engine(fresh_database_url)
    access, clock = FakeAccess(), SetClock(T0)
    app = create_app(
        ConversationSettings(
            database=DatabaseSettings(url=fresh_database_url),
            kafka=KafkaSettings(bootstrap_servers=kafka_bootstrap_servers),
            auth=auth,
            sweep_enabled=False,
        ),
        access=access,
        clock=clock,
        engine=engine,
    )
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://c"
        ) as client:
            world = Api(client, app.state.context, access, clock, signer, engine)
            world.grant(world.viewer, world.channel, ChannelRole.VIEWER)
            world.grant(world.contributor, world.channel, ChannelRole.CONTRIBUTOR)
            world.grant(world.colleague, world.channel, ChannelRole.CONTRIBUTOR)
            world.grant(world.supervisor, world.channel, ChannelRole.SUPERVISOR)
            await world.connect(world.channel, ACCOUNT)
            yield world
    finally:
        await app.state.token_verifier.aclose()
        await engine.dispose()


def path(conversation: uuid.UUID, suffix: str = "") -> str:
    return f"/v1/conversations/{conversation}{suffix}"


# tags, topics, notes --------------------------------------------------------------------------


async def test_tags_are_added_once_and_removed(api: Api) -> None:
    conversation = await api.tweet("9100", T0)
    headers = api.as_user(api.viewer)  # labels: any role
    added = await api.client.put(path(conversation, "/tags/  billing  "), headers=headers)
    assert (added.status_code, added.json()["tags"]) == (200, ["billing"])
    revision = added.json()["revision"]
    again = await api.client.put(path(conversation, "/tags/billing"), headers=headers)
    assert (again.json()["tags"], again.json()["revision"]) == (["billing"], revision)
    await api.client.put(path(conversation, "/tags/vip"), headers=headers)
    removed = await api.client.delete(path(conversation, "/tags/billing"), headers=headers)
    assert (removed.status_code, removed.json()["tags"]) == (200, ["vip"])
    events = [e for _, e in await api.outbox() if e == "conversation.tags_changed"]
    assert len(events) == 3  # billing, vip, -billing: the repeated add wrote nothing

    before = await api.effects()
    too_long = await api.client.put(path(conversation, "/tags/" + "x" * 101), headers=headers)
    blank = await api.client.put(path(conversation, "/tags/%20%20"), headers=headers)
    for refused in (too_long, blank):
        assert (refused.status_code, refused.json()["field"]) == (422, "tag")
    assert await api.effects() == before


async def test_topics_come_from_the_organizations_list(api: Api) -> None:
    conversation = await api.tweet("9101", T0)
    created = await api.client.post("/v1/topics", json={"name": "Refunds"}, headers=api.as_admin())
    assert created.status_code == 201, created.text
    topic = created.json()["id"]
    foreign = await api.client.post(
        "/v1/topics", json={"name": "Refunds"}, headers=api.as_admin(uuid.uuid4())
    )
    assert foreign.status_code == 201  # another organization's list
    headers = api.as_user(api.viewer)

    added = await api.client.put(path(conversation, f"/topics/{topic}"), headers=headers)
    assert (added.status_code, added.json()["topic_ids"]) == (200, [topic])

    before = await api.effects()
    for unknown in (uuid.uuid4(), foreign.json()["id"]):
        refused = await api.client.put(path(conversation, f"/topics/{unknown}"), headers=headers)
        assert (refused.status_code, refused.json()["field"]) == (404, "topic_id")
        absent = await api.client.delete(path(conversation, f"/topics/{unknown}"), headers=headers)
        assert (absent.status_code, absent.json()) == (404, refused.json())
    not_an_id = await api.client.put(path(conversation, "/topics/refunds"), headers=headers)
    assert (not_an_id.status_code, not_an_id.json()["field"]) == (422, "topic_id")
    assert await api.effects() == before

    removed = await api.client.delete(path(conversation, f"/topics/{topic}"), headers=headers)
    assert (removed.status_code, removed.json()["topic_ids"]) == (200, [])
    types = [e for _, e in await api.outbox()]
    assert types.count("conversation.topics_changed") == 2

    # A topic the list has dropped stays on the conversations that have it, and comes off.
    await api.client.put(path(conversation, f"/topics/{topic}"), headers=headers)
    dropped = await api.client.delete(f"/v1/topics/{topic}", headers=api.as_admin())
    assert dropped.status_code == 204, dropped.text
    kept = await api.client.delete(path(conversation, f"/topics/{topic}"), headers=headers)
    assert (kept.status_code, kept.json()["topic_ids"]) == (200, [])


async def test_only_admins_keep_the_topic_list(api: Api) -> None:
    agent = api.as_user(api.supervisor)
    refused = await api.client.post("/v1/topics", json={"name": "Outage"}, headers=agent)
    assert (refused.status_code, refused.json()["field"]) == (403, "manage_topics")
    created = await api.client.post(
        "/v1/topics", json={"name": "  Outage  "}, headers=api.as_admin()
    )
    assert (created.status_code, created.json()["name"]) == (201, "Outage")
    duplicate = await api.client.post("/v1/topics", json={"name": "Outage"}, headers=api.as_admin())
    assert duplicate.status_code == 409
    for bad, status in (("   ", 422), ("x" * 101, 422)):
        answer = await api.client.post("/v1/topics", json={"name": bad}, headers=api.as_admin())
        assert (answer.status_code, answer.json()["field"]) == (status, "name")
    listed = await api.client.get("/v1/topics", headers=agent)
    assert [t["name"] for t in listed.json()] == ["Outage"]
    topic = created.json()["id"]
    assert (await api.client.delete(f"/v1/topics/{topic}", headers=agent)).status_code == 403
    assert (await api.client.get("/v1/topics", headers=agent)).json() != []
    assert (await api.client.delete(f"/v1/topics/{topic}", headers=api.as_admin())).status_code == (
        204
    )
    gone = await api.client.delete(f"/v1/topics/{topic}", headers=api.as_admin())
    assert (gone.status_code, gone.json()["field"]) == (404, "topic_id")
    assert (await api.client.get("/v1/topics", headers=agent)).json() == []


async def test_notes_are_kept_and_removed_and_never_sent(api: Api) -> None:
    conversation = await api.tweet("9102", T0)
    headers = api.as_user(api.viewer)
    messages_before = (await api.effects())[2]
    added = await api.client.post(
        path(conversation, "/notes"), json={"text": "VIP, be kind"}, headers=headers
    )
    assert added.status_code == 201, added.text
    note = added.json()
    assert (note["author_user_id"], note["text"]) == (str(api.viewer), "VIP, be kind")
    detail = (await api.client.get(path(conversation), headers=headers)).json()
    assert [n["id"] for n in detail["notes"]] == [note["id"]]
    assert "VIP, be kind" not in {m["text"] for m in detail["messages"]}
    assert (await api.effects())[2] == messages_before
    topics = {topic for topic, _ in await api.outbox()}
    assert topics == {"conversations.v1"}  # nothing for replies.requested.v1

    before = await api.effects()
    blank = await api.client.post(
        path(conversation, "/notes"), json={"text": "  "}, headers=headers
    )
    empty = await api.client.post(path(conversation, "/notes"), json={"text": ""}, headers=headers)
    for refused in (blank, empty):
        assert (refused.status_code, refused.json()["field"]) == (422, "text")
    assert await api.effects() == before

    removed = await api.client.delete(path(conversation, f"/notes/{note['id']}"), headers=headers)
    assert removed.status_code == 204
    detail = (await api.client.get(path(conversation), headers=headers)).json()
    assert detail["notes"] == []
    assert detail["history"][-1]["type"] == "conversation.note_removed"
    again = await api.client.delete(path(conversation, f"/notes/{note['id']}"), headers=headers)
    assert (again.status_code, again.json()["field"]) == (404, "note_id")


# ownership --------------------------------------------------------------------------------------


async def test_ownership_by_role(api: Api) -> None:
    conversation = await api.tweet("9103", T0)
    take, owner = path(conversation, "/take"), path(conversation, "/owner")

    before = await api.effects()
    refused = await api.client.post(take, headers=api.as_user(api.viewer))
    assert refused.status_code == 403
    assert refused.json()["field"] == "take_ownership"
    assert "contributor" in refused.json()["message"]
    assert refused.headers["x-required-role"] == "contributor"
    assert await api.effects() == before

    taken = await api.client.post(take, headers=api.as_user(api.contributor))
    assert (taken.status_code, taken.json()["owner_id"]) == (200, str(api.contributor))

    before = await api.effects()
    for body in ({"owner_id": str(api.colleague)}, {"owner_id": None}):
        refused = await api.client.put(owner, json=body, headers=api.as_user(api.colleague))
        assert refused.status_code == 403, body
        assert refused.json()["field"] == "assign_ownership"
        assert "supervisor" in refused.json()["message"]
    refused = await api.client.put(
        owner, json={"owner_id": str(api.colleague)}, headers=api.as_user(api.contributor)
    )
    assert (refused.status_code, refused.headers["x-required-role"]) == (403, "supervisor")
    as_supervisor = api.as_user(api.supervisor)
    for unfit in (api.viewer, uuid.uuid4()):  # a Viewer, or someone without access
        refused = await api.client.put(owner, json={"owner_id": str(unfit)}, headers=as_supervisor)
        assert (refused.status_code, refused.json()["field"]) == (422, "owner_id")
    assert await api.effects() == before

    assigned = await api.client.put(
        owner, json={"owner_id": str(api.colleague)}, headers=as_supervisor
    )
    assert (assigned.status_code, assigned.json()["owner_id"]) == (200, str(api.colleague))
    # The owner gives it up (taking's role); the Supervisor unassigns.
    given_up = await api.client.put(
        owner, json={"owner_id": None}, headers=api.as_user(api.colleague)
    )
    assert (given_up.status_code, given_up.json()["owner_id"]) == (200, None)
    await api.client.put(owner, json={"owner_id": str(api.contributor)}, headers=as_supervisor)
    unassigned = await api.client.put(owner, json={"owner_id": None}, headers=as_supervisor)
    assert (unassigned.status_code, unassigned.json()["owner_id"]) == (200, None)

    reasons = [
        h["reason"]
        for h in (await api.client.get(path(conversation), headers=as_supervisor)).json()["history"]
        if h["type"] == "conversation.owner_changed"
    ]
    assert reasons == ["taken", "assigned", "unassigned", "assigned", "unassigned"]

    # A resolved conversation has no owner and cannot be given one.
    await api.client.post(take, headers=as_supervisor)
    resolved = await api.client.post(
        path(conversation, "/status"), json={"status": "resolved"}, headers=as_supervisor
    )
    assert (resolved.json()["status"], resolved.json()["owner_id"]) == ("resolved", None)
    before = await api.effects()
    refused = await api.client.post(take, headers=api.as_user(api.contributor))
    assert (refused.status_code, refused.json()["field"]) == (422, "owner_id")
    bad = await api.client.put(owner, json={"owner_id": "me"}, headers=as_supervisor)
    assert (bad.status_code, bad.json()["field"]) == (422, "owner_id")
    assert await api.effects() == before


# tenancy and bad input -------------------------------------------------------------------------


async def test_another_organizations_conversation_does_not_exist(api: Api) -> None:
    conversation = await api.tweet("9104", T0)
    stranger, their_org = uuid.uuid4(), uuid.uuid4()
    # Even a (wrong) grant on the channel does not reach across organizations.
    api.grant(stranger, api.channel, ChannelRole.SUPERVISOR)
    headers = api.as_user(stranger, org=their_org)
    before = await api.effects()
    answers = [
        await api.client.get(path(conversation), headers=headers),
        await api.client.post(path(conversation, "/take"), headers=headers),
        await api.client.put(path(conversation, "/tags/x"), headers=headers),
        await api.client.post(path(conversation, "/notes"), json={"text": "x"}, headers=headers),
        await api.client.post(
            path(conversation, "/status"), json={"status": "pending"}, headers=headers
        ),
        await api.client.post(path(conversation, "/replies"), json={"text": "x"}, headers=headers),
        await api.client.get(path(uuid.uuid4()), headers=api.as_user(api.viewer)),
    ]
    assert [a.status_code for a in answers] == [404] * len(answers)
    assert all(a.json()["field"] == "conversation_id" for a in answers)
    mine = await api.client.get("/v1/conversations", headers=headers)
    queue = await api.client.get(f"/v1/channels/{api.channel}/conversations", headers=headers)
    assert mine.json()["items"] == []
    # Another organization's channel does not exist for the caller (it answered 200 before).
    assert (queue.status_code, queue.json()["field"]) == (404, "channel_id")
    assert await api.effects() == before


async def test_the_channel_shows_the_settings_revision_this_service_applies(api: Api) -> None:
    channel = f"/v1/channels/{api.channel}"
    first = await api.client.get(channel, headers=api.as_user(api.viewer))
    assert first.status_code == 200
    shown = first.json()
    assert (shown["id"], shown["revision"], shown["status"]) == (str(api.channel), 1, "connected")
    assert shown["auto_ownership"] is True
    assert set(shown["auto_resolve"]) == {"enabled", "new_after_seconds", "pending_after_seconds"}
    edited = channel_snapshot(
        org_id=api.org,
        channel_id=api.channel,
        account_id=ACCOUNT,
        revision=2,
        auto_ownership=False,
        auto_resolve=AutoResolve(enabled=True, new_after_seconds=60, pending_after_seconds=120),
    )
    stale = channel_snapshot(org_id=api.org, channel_id=api.channel, account_id=ACCOUNT)
    for snapshot in (edited, stale):  # revision 1 again, late: ignored
        await handle_channel_snapshot(api.context.unit_of_work(), snapshot)
    second = (await api.client.get(channel, headers=api.as_user(api.contributor))).json()
    assert (second["revision"], second["auto_ownership"]) == (2, False)
    assert second["auto_resolve"] == {
        "enabled": True,
        "new_after_seconds": 60,
        "pending_after_seconds": 120,
    }
    # Without access, or from another organization, or unknown: it does not exist.
    stranger = uuid.uuid4()
    answers = [
        await api.client.get(channel, headers=api.as_user(stranger)),
        await api.client.get(channel, headers=api.as_user(api.viewer, org=uuid.uuid4())),
        await api.client.get(f"/v1/channels/{uuid.uuid4()}", headers=api.as_admin()),
    ]
    assert [a.status_code for a in answers] == [404] * 3


async def test_bad_input_answers_422_with_the_field(api: Api) -> None:
    conversation = await api.tweet("9105", T0)
    headers = api.as_user(api.contributor)
    queue = f"/v1/channels/{api.channel}/conversations"
    before = await api.effects()
    cases = [
        (await api.client.get(queue, params={"queue": "open"}, headers=headers), "queue"),
        (await api.client.get(queue, params={"owner": "them"}, headers=headers), "owner"),
        (await api.client.get(queue, params={"sort": "random"}, headers=headers), "sort"),
        (await api.client.get(queue, params={"limit": 0}, headers=headers), "limit"),
        (await api.client.get(queue, params={"limit": 201}, headers=headers), "limit"),
        (await api.client.get(queue, params={"topic_id": "x"}, headers=headers), "topic_id"),
        (await api.client.get(queue, params={"cursor": "bm9wZQ"}, headers=headers), "cursor"),
        (
            await api.client.post(
                path(conversation, "/status"), json={"status": "new"}, headers=headers
            ),
            "status",
        ),
        (
            await api.client.post(
                path(conversation, "/status"), json={"status": "pending", "x": 1}, headers=headers
            ),
            "x",
        ),
        (
            await api.client.post(
                path(conversation, "/replies"), json={"text": ""}, headers=headers
            ),
            "text",
        ),
        (
            await api.client.post(
                path(conversation, "/replies"),
                json={"text": "hi", "then": "new"},
                headers=headers,
            ),
            "then",
        ),
        (await api.client.get("/v1/conversations/not-a-uuid", headers=headers), "conversation_id"),
    ]
    for answer, field_name in cases:
        assert answer.status_code == 422, (field_name, answer.text)
        assert answer.json()["field"] == field_name, answer.json()
    assert await api.effects() == before
    missing = await api.client.get(queue)
    assert missing.status_code == 401


# queues --------------------------------------------------------------------------------------


async def test_the_cross_channel_queue_has_only_the_callers_channels(api: Api) -> None:
    second, hidden = uuid.uuid4(), uuid.uuid4()
    await api.connect(second, "3100000002")
    await api.connect(hidden, "3100000003")
    api.grant(api.contributor, second, ChannelRole.VIEWER)
    ours = await api.tweet("9200", T0)
    theirs = await api.tweet("9201", T0 + timedelta(minutes=1), account="3100000002")
    await api.tweet("9202", T0 + timedelta(minutes=2), account="3100000003")
    foreign_channel = uuid.uuid4()
    await api.connect(foreign_channel, "3100000004", org=uuid.uuid4())
    api.grant(api.contributor, foreign_channel, ChannelRole.SUPERVISOR)  # other org: no effect
    await api.tweet("9203", T0, account="3100000004")

    mine = await api.client.get("/v1/conversations", headers=api.as_user(api.contributor))
    assert mine.status_code == 200
    assert [i["id"] for i in mine.json()["items"]] == [str(ours), str(theirs)]
    assert {i["channel_id"] for i in mine.json()["items"]} == {str(api.channel), str(second)}
    nobody = await api.client.get("/v1/conversations", headers=api.as_user(uuid.uuid4()))
    assert nobody.json() == {"items": [], "next_cursor": None}
    hidden_queue = await api.client.get(
        f"/v1/channels/{hidden}/conversations", headers=api.as_user(api.contributor)
    )
    assert hidden_queue.status_code == 404


async def test_queue_filters(api: Api) -> None:
    topic = (
        await api.client.post("/v1/topics", json={"name": "Billing"}, headers=api.as_admin())
    ).json()["id"]
    me = api.as_user(api.contributor)
    mine = await api.tweet("9300", T0)
    await api.client.post(path(mine, "/take"), headers=me)
    await api.client.put(path(mine, "/tags/vip"), headers=me)
    await api.client.put(path(mine, f"/topics/{topic}"), headers=me)
    colleagues = await api.tweet("9301", T0 + timedelta(minutes=1))
    await api.client.post(path(colleagues, "/take"), headers=api.as_user(api.colleague))
    await api.client.post(path(colleagues, "/status"), json={"status": "pending"}, headers=me)
    unowned = await api.tweet("9302", T0 + timedelta(minutes=2))
    await api.client.put(path(unowned, "/tags/vip"), headers=me)
    resolved = await api.tweet("9303", T0 + timedelta(minutes=3))
    await api.client.post(path(resolved, "/status"), json={"status": "resolved"}, headers=me)

    async def ids(**params: str) -> list[uuid.UUID]:
        answer = await api.client.get(
            f"/v1/channels/{api.channel}/conversations", params=params, headers=me
        )
        assert answer.status_code == 200, answer.text
        across = await api.client.get("/v1/conversations", params=params, headers=me)
        assert across.json() == answer.json()  # one channel: the same answer
        return [uuid.UUID(i["id"]) for i in answer.json()["items"]]

    assert await ids() == [mine, colleagues, unowned, resolved]
    assert await ids(queue="new") == [mine, unowned]
    assert await ids(queue="pending") == [colleagues]
    assert await ids(queue="resolved") == [resolved]
    assert await ids(owner="me") == [mine]
    assert await ids(owner="someone") == [mine, colleagues]
    assert await ids(owner="nobody") == [unowned, resolved]
    assert await ids(tag="vip") == [mine, unowned]
    assert await ids(tag="none-such") == []
    assert await ids(topic_id=topic) == [mine]
    assert await ids(queue="new", owner="nobody", tag="vip") == [unowned]
    assert await ids(sort="newest") == [resolved, unowned, colleagues, mine]


async def pages(api: Api, sort: str, between: list[datetime]) -> list[dict[str, Any]]:
    """Every page of the channel's queue, 3 at a time; a new conversation arrives (at the
    given times) after each page."""
    seen: list[dict[str, Any]] = []
    cursor: str | None = None
    arrivals = iter(between)
    while True:
        params: dict[str, str | int] = {"sort": sort, "limit": 3}
        if cursor is not None:
            params["cursor"] = cursor
        answer = await api.client.get(
            f"/v1/channels/{api.channel}/conversations",
            params=params,
            headers=api.as_user(api.viewer),
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert len(body["items"]) <= 3
        seen.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return seen
        at = next(arrivals, None)
        if at is not None:
            api.arrivals += 1
            await api.tweet(f"97{api.arrivals:04d}", at)


async def test_cursor_pages_are_stable_while_conversations_arrive(api: Api) -> None:
    # Ten conversations; three share one last-activity instant (the id breaks the tie).
    times = [T0 + timedelta(minutes=i) for i in range(7)] + [T0 + timedelta(minutes=3)] * 3
    initial = {str(await api.tweet(f"96{i:02d}", at)) for i, at in enumerate(times)}

    later = [T0 + timedelta(hours=h) for h in (1, 2, 3)]
    oldest = await pages(api, "oldest", later)
    ids = [i["id"] for i in oldest]
    assert len(ids) == len(set(ids)), "a conversation on two pages"
    assert set(ids) == initial | {i["id"] for i in oldest if i["customer"]["id"].startswith("97")}
    assert len(ids) == len(initial) + 3  # those arriving later (newer) come at the end
    keys = [(i["last_activity_at"], i["id"]) for i in oldest]
    assert keys == sorted(keys)

    newest = await pages(api, "newest", [T0 + timedelta(hours=h) for h in (4, 5, 6)])
    ids = [i["id"] for i in newest]
    assert len(ids) == len(set(ids))
    # Everything that existed when paging began, once, newest first; the arrivals went
    # before the first page and are not mixed in.
    assert set(ids) == initial | {i["id"] for i in oldest}
    keys = [(i["last_activity_at"], i["id"]) for i in newest]
    assert keys == sorted(keys, reverse=True)


async def test_the_cross_channel_queue_pages_in_one_order_over_every_channel(api: Api) -> None:
    # Three channels the viewer reads, one they do not; activity interleaved across them,
    # with ties (the id breaks them), and a status filter on top.
    second, third, hidden = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    accounts = {api.channel: ACCOUNT, second: "3100000012", third: "3100000013"}
    for channel, account in [*list(accounts.items())[1:], (hidden, "3100000014")]:
        await api.connect(channel, account)
    api.grant(api.viewer, second, ChannelRole.VIEWER)
    api.grant(api.viewer, third, ChannelRole.VIEWER)
    made: list[str] = []
    for n in range(12):
        channel = list(accounts)[n % 3]
        at = T0 + timedelta(minutes=n // 2)  # pairs share an instant
        made.append(str(await api.tweet(f"98{n:02d}", at, account=accounts[channel])))
        await api.tweet(f"99{n:02d}", at, account="3100000014")  # hidden: never listed
    moved = await api.client.post(  # the first, on the contributor's channel: not New now
        path(uuid.UUID(made[0]), "/status"),
        json={"status": "pending"},
        headers=api.as_user(api.contributor),
    )
    assert moved.status_code == 200, moved.text
    for sort in ("oldest", "newest"):
        seen: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            params: dict[str, str | int] = {"sort": sort, "limit": 5, "queue": "new"}
            if cursor is not None:
                params["cursor"] = cursor
            answer = await api.client.get(
                "/v1/conversations", params=params, headers=api.as_user(api.viewer)
            )
            assert answer.status_code == 200, answer.text
            seen.extend(answer.json()["items"])
            cursor = answer.json()["next_cursor"]
            if cursor is None:
                break
        ids = [i["id"] for i in seen]
        assert sorted(ids) == sorted(made[1:])  # each once, New only
        keys = [(i["last_activity_at"], i["id"]) for i in seen]
        assert keys == sorted(keys, reverse=sort == "newest")


# reports ---------------------------------------------------------------------------------------


async def test_report_figures_on_a_known_history(api: Api) -> None:
    reporting, account = uuid.uuid4(), "3100000009"
    await api.connect(
        reporting,
        account,
        auto_resolve=AutoResolve(new_after_seconds=30 * 86400, pending_after_seconds=3600),
    )
    for user, role in (
        (api.contributor, ChannelRole.CONTRIBUTOR),
        (api.supervisor, ChannelRole.SUPERVISOR),
    ):
        api.grant(user, reporting, role)
    me, at = api.as_user(api.contributor), T0

    async def action(seconds: int, route: str, **body: Any) -> None:
        api.clock.at = at + timedelta(seconds=seconds)
        answer = await api.client.post(route, json=body, headers=me)
        assert answer.status_code in (200, 202), answer.text

    # A: created at 0, replied at 600, resolved by hand at 3600.
    a = await api.tweet("9400", at, account=account)
    await action(600, path(a, "/replies"), text="On it")
    await action(3600, path(a, "/status"), status="resolved")
    # B: created at 60, replied at 1260, pending at 1300, reopened at 2000, resolved at 3800.
    b = await api.tweet("9401", at + timedelta(seconds=60), account=account)
    await action(1260, path(b, "/replies"), text="Looking")
    await action(1300, path(b, "/status"), status="pending")
    await api.tweet("9401", at + timedelta(seconds=2000), account=account)
    await action(3800, path(b, "/status"), status="resolved")
    # C: created at 120, never answered: still New.
    await api.tweet("9402", at + timedelta(seconds=120), account=account)
    # D: created at 180, pending at 200, auto-resolved at 3801 (one hour in Pending).
    d = await api.tweet("9403", at + timedelta(seconds=180), account=account)
    await action(200, path(d, "/status"), status="pending")
    api.clock.at = at + timedelta(seconds=3801)
    assert await sweep(api.context) == 1

    async def report(start: int, end: int) -> dict[str, Any]:
        answer = await api.client.get(
            f"/v1/channels/{reporting}/reports",
            params={
                "start": (at + timedelta(seconds=start)).isoformat(),
                "end": (at + timedelta(seconds=end)).isoformat(),
            },
            headers=api.as_user(api.supervisor),
        )
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    whole = await report(0, 4000)
    assert (whole["created"], whole["reopened"]) == (4, 1)
    assert (whole["resolved_by_hand"], whole["auto_resolved"]) == (2, 1)
    assert whole["queues"] == {"new": 1, "pending": 0, "resolved": 3}
    # First responses: A 600 s, B 1200 s (C and D had none).
    assert whole["first_response_seconds"] == pytest.approx({"median": 900.0, "p90": 1140.0})
    # Resolutions, each from when it last entered New: A 3600, B 1800, D 3621.
    assert whole["resolution_seconds"] == pytest.approx({"median": 3600.0, "p90": 3616.8})
    assert whole["replies_per_agent"] == {str(api.contributor): 2}

    late = await report(3700, 5000)  # only B's and D's resolutions fall in it
    assert (late["created"], late["reopened"]) == (0, 0)
    assert (late["resolved_by_hand"], late["auto_resolved"]) == (1, 1)
    assert late["first_response_seconds"] == {"median": None, "p90": None}
    assert late["resolution_seconds"] == pytest.approx({"median": 2710.5, "p90": 3438.9})
    assert late["replies_per_agent"] == {}
    assert late["queues"] == whole["queues"]  # queue sizes are "now", whatever the range

    bad = await api.client.get(
        f"/v1/channels/{reporting}/reports",
        params={"start": at.isoformat(), "end": at.isoformat()},
        headers=api.as_user(api.supervisor),
    )
    assert (bad.status_code, bad.json()["field"]) == (422, "end")


# replies sent again ------------------------------------------------------------------------------


async def test_a_reply_sent_again_with_its_idempotency_key_is_made_once(api: Api) -> None:
    conversation = await api.tweet("9501", T0)
    as_carl = api.as_user(api.contributor)
    keyed = {**as_carl, "idempotency-key": "reply-7f3a"}
    first = await api.client.post(
        path(conversation, "/replies"), json={"text": "On it"}, headers=keyed
    )
    assert first.status_code == 202, first.text
    after_first = await api.effects()
    again = await api.client.post(
        path(conversation, "/replies"), json={"text": "On it"}, headers=keyed
    )
    assert (again.status_code, again.json()) == (202, first.json())
    assert await api.effects() == after_first  # no second message, event or history row
    assert [t for t, _ in await api.outbox()].count("replies.requested.v1") == 1

    other_text = await api.client.post(
        path(conversation, "/replies"), json={"text": "Something else"}, headers=keyed
    )
    assert other_text.status_code == 409, other_text.text
    # Another agent's key, or another conversation, never finds this reply.
    colleague = {**api.as_user(api.colleague), "idempotency-key": "reply-7f3a"}
    theirs = await api.client.post(
        path(conversation, "/replies"), json={"text": "On it"}, headers=colleague
    )
    assert theirs.status_code == 202
    assert theirs.json()["id"] != first.json()["id"]
    unkeyed = await api.client.post(
        path(conversation, "/replies"), json={"text": "On it"}, headers=as_carl
    )
    assert unkeyed.json()["id"] not in {first.json()["id"], theirs.json()["id"]}
    assert await api.effects() != after_first

    bad = await api.client.post(
        path(conversation, "/replies"),
        json={"text": "x"},
        headers={**as_carl, "idempotency-key": "has space"},
    )
    assert (bad.status_code, bad.json()["field"]) == (422, "idempotency-key")
