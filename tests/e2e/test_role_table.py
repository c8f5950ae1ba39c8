"""The role table x every action on every service, for every kind of caller: Viewer,
Contributor, Supervisor (user grants), an agent without a grant, the admin, a deactivated
Supervisor and a demoted admin (whose tokens still say what they were). The expected
answer comes from the one role table (`switchboard_contracts.enums.MINIMUM_ROLE`, which
access-svc decides with) and the organization rules; the operations come from the
services' OpenAPI documents, so a new route fails `test_every_operation_is_classified`
until it is given its rule here.

Answers: allowed, the operation's documented 2xx; a channel the caller has no access to,
404; a role too low, 403 naming the action; deactivated, 403 `user_inactive`; not an
admin on record, 403."""

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from switchboard_contracts.enums import ChannelAction, ChannelRole
from switchboard_testing.organization import Headers, Org, unique
from switchboard_testing.system import System
from switchboard_testing.waiting import eventually
from switchboard_twitter_sim.client import SimulatorClient
from switchboard_twitter_sim.control_models import SimUser

from .operations import Operation, operations

pytestmark = pytest.mark.e2e

A = ChannelAction
# Every conversation-svc operation on a channel or a conversation: the action it checks.
CHANNEL_ACTIONS: dict[str, ChannelAction] = {
    "GET /v1/channels/{channel_id}": A.READ,
    "GET /v1/channels/{channel_id}/conversations": A.READ,
    "GET /v1/conversations/{conversation_id}": A.READ,
    "POST /v1/conversations/{conversation_id}/status": A.MOVE,
    "PUT /v1/conversations/{conversation_id}/tags/{tag}": A.LABEL,
    "DELETE /v1/conversations/{conversation_id}/tags/{tag}": A.LABEL,
    "PUT /v1/conversations/{conversation_id}/topics/{topic_id}": A.LABEL,
    "DELETE /v1/conversations/{conversation_id}/topics/{topic_id}": A.LABEL,
    "POST /v1/conversations/{conversation_id}/notes": A.LABEL,
    "DELETE /v1/conversations/{conversation_id}/notes/{note_id}": A.LABEL,
    "POST /v1/conversations/{conversation_id}/replies": A.REPLY,
    "POST /v1/conversations/{conversation_id}/take": A.TAKE_OWNERSHIP,
    "PUT /v1/conversations/{conversation_id}/owner": A.ASSIGN_OWNERSHIP,
    "GET /v1/channels/{channel_id}/reports": A.VIEW_REPORTS,
}
# Any active user of the organization (about themself where a user is named).
ANY_MEMBER = {
    "conversation-svc GET /v1/conversations",
    "conversation-svc GET /v1/topics",
    "channel-svc GET /v1/channels",
    "access-svc GET /v1/users/{user_id}/channels",
    "access-svc POST /v1/check",
}
# Anyone with a valid token of the organization, deactivated included (to learn it).
ANYONE = {"access-svc GET /v1/me/standing"}
# Every other operation that needs a token is the organization admins' (on record).
BODIES: dict[str, dict[str, Any]] = {
    "POST /v1/conversations/{conversation_id}/status": {"status": "pending"},
    "POST /v1/conversations/{conversation_id}/replies": {"text": "Looking into it now"},
}
OPERATIONS = [op for op in operations() if op.public]


def key(op: Operation) -> str:
    return f"{op.method.upper()} {op.path}"


def test_every_operation_is_classified() -> None:
    channel_ops = {
        key(op)
        for op in OPERATIONS
        if op.service == "conversation-svc"
        and {"channel_id", "conversation_id"} & set(op.path_parameters)
    }
    assert channel_ops == set(CHANNEL_ACTIONS), "give the new operation its ChannelAction"
    assert {str(op) for op in OPERATIONS} >= (ANY_MEMBER | ANYONE)
    assert set(ChannelAction) == set(CHANNEL_ACTIONS.values()), "an action no route checks"


@dataclass
class Persona:
    name: str
    user_id: uuid.UUID
    headers: Headers
    role: ChannelRole | None  # effective role on the channel; None: no access
    admin: bool = False
    active: bool = True


@dataclass
class Setup:
    org: Org
    channel_id: str
    topic_id: str
    owner_to_be: uuid.UUID
    team_id: str
    personas: list[Persona] = field(default_factory=list)


def expected(persona: Persona, op: Operation) -> tuple[int, str | None]:
    """(status, the error's `field` or code to find in the body, if any)."""
    allowed = min(int(s) for s in op.spec["responses"] if s.startswith("2"))
    if str(op) in ANYONE:
        return allowed, None
    if not persona.active:
        return 403, "user_inactive"
    if str(op) in ANY_MEMBER:
        return allowed, None
    action = CHANNEL_ACTIONS.get(key(op)) if op.service == "conversation-svc" else None
    if action is None:
        return (allowed, None) if persona.admin else (403, None)
    if persona.role is None:
        return 404, None
    return (allowed, None) if persona.role.allows(action) else (403, action.value)


async def setup(org: Org, sim: SimulatorClient) -> tuple[Setup, SimUser]:
    brand = await sim.create_user(unique("brand"))
    channel_id = await org.connect(sim, brand)
    topic = await org.conversations.post(
        "/v1/topics", json={"name": unique("topic")}, headers=org.admin
    )
    team = await org.access.post("/v1/teams", json={"name": unique("team")}, headers=org.admin)
    assert (topic.status_code, team.status_code) == (201, 201), (topic.text, team.text)
    owner_to_be, _ = await org.agent("Olive")
    await org.grant(channel_id, owner_to_be, "contributor")
    found = Setup(org, channel_id, topic.json()["id"], owner_to_be, team.json()["id"])
    found.personas.append(
        Persona("admin", org.admin_id, org.admin, ChannelRole.SUPERVISOR, admin=True)
    )
    for role in (ChannelRole.VIEWER, ChannelRole.CONTRIBUTOR, ChannelRole.SUPERVISOR):
        user_id, headers = await org.agent(role.value.title())
        await org.grant(channel_id, user_id, role.value)
        found.personas.append(Persona(role.value, user_id, headers, role))
    user_id, headers = await org.agent("Nogrant")
    found.personas.append(Persona("agent without a grant", user_id, headers, None))
    # A Supervisor deactivated, and an admin demoted to agent: their tokens stay as they were.
    gone_id, gone = await org.agent("Dee")
    await org.grant(channel_id, gone_id, "supervisor")
    created = await org.access.post(
        "/v1/users",
        json={"email": f"{uuid.uuid4().hex[:8]}@example.com", "display_name": "Dem"},
        headers=org.admin,
    )
    assert created.status_code == 201, created.text
    demoted_id = uuid.UUID(created.json()["id"])
    await _patch(org, demoted_id, {"org_role": "admin"})
    demoted = await org.token(demoted_id, "admin")
    await _patch(org, gone_id, {"active": False})
    await _patch(org, demoted_id, {"org_role": "agent"})
    found.personas.append(Persona("deactivated", gone_id, gone, None, active=False))
    found.personas.append(Persona("demoted admin", demoted_id, demoted, None))

    async def refused_everywhere() -> bool | None:  # the standing caches last at most 0.5 s
        answers = [
            await org.conversations.get("/v1/topics", headers=gone),
            await org.channels.get(f"/v1/channels/{channel_id}", headers=demoted),
            await org.access.get("/v1/users", headers=demoted),
        ]
        return True if all(a.status_code == 403 for a in answers) else None

    await eventually("the deactivation and the demotion known everywhere", refused_everywhere)
    return found, brand


async def _patch(org: Org, user_id: uuid.UUID, change: dict[str, Any]) -> None:
    patched = await org.access.patch(f"/v1/users/{user_id}", json=change, headers=org.admin)
    assert patched.status_code == 200, patched.text


async def _new_queue(org: Org, channel_id: str, customers: set[str]) -> dict[str, str]:
    """Conversation id per customer, once every one of `customers` is in New."""

    async def every_page() -> dict[str, str] | None:
        found: dict[str, str] = {}
        cursor: str | None = None
        while True:
            page = await org.conversations.get(
                f"/v1/channels/{channel_id}/conversations",
                params={"queue": "new", "limit": 200, **({"cursor": cursor} if cursor else {})},
                headers=org.admin,
            )
            assert page.status_code == 200, page.text
            found |= {c["customer"]["id"]: c["id"] for c in page.json()["items"]}
            if (cursor := page.json()["next_cursor"]) is None:
                return found if customers <= set(found) else None

    return await eventually(f"{len(customers)} conversations in New", every_page, within=60)


def _client(org: Org, op: Operation) -> httpx.AsyncClient:
    return {
        "access-svc": org.access,
        "channel-svc": org.channels,
        "conversation-svc": org.conversations,
    }[op.service]


def _mutates(op: Operation) -> bool:
    return op.method != "get"


async def test_every_caller_gets_the_documented_answer_for_every_action(system: System) -> None:
    async with Org(system) as org, SimulatorClient(system.twitter.base_url) as sim:
        ours, brand = await setup(org, sim)
        cases = [
            (persona, op)
            for persona in ours.personas
            for op in OPERATIONS
            # The admin's management powers change the organization (disconnect, delete a
            # team...): the other e2e tests use them; here only the refusals are probed.
            if not (persona.admin and _mutates(op) and key(op) not in CHANNEL_ACTIONS)
        ]
        # A conversation of its own for every case that changes one, so no case sees
        # another's effect (an owner taken, a queue moved).
        needs = [c for c in cases if "{conversation_id}" in c[1].path]
        customers = [await sim.create_user(unique("cust")) for _ in needs]
        await asyncio.gather(*(sim.mention(c, brand, "where is my order?") for c in customers))
        by_customer = await _new_queue(org, ours.channel_id, {c.id for c in customers})
        conversation_of = {
            (persona.name, str(op)): by_customer[customer.id]
            for (persona, op), customer in zip(needs, customers, strict=True)
        }
        wrong: list[str] = []
        for persona, op in cases:
            values = {
                "channel_id": ours.channel_id,
                "topic_id": ours.topic_id,
                "team_id": ours.team_id,
                "user_id": str(persona.user_id),
                "tag": "vip",
            }
            conversation = conversation_of.get((persona.name, str(op)))
            if conversation is not None:
                values["conversation_id"] = str(conversation)
                note = await org.conversations.post(
                    f"/v1/conversations/{conversation}/notes", json={"text": "n"}, headers=org.admin
                )
                values["note_id"] = note.json()["id"]
            body = BODIES.get(key(op), op.body())
            if key(op) == "PUT /v1/conversations/{conversation_id}/owner":
                body = {"owner_id": str(ours.owner_to_be)}
            if str(op) == "access-svc POST /v1/check":
                body = {
                    "user_id": str(persona.user_id),
                    "channel_id": ours.channel_id,
                    "action": "read",
                }
            answer = await _client(org, op).request(
                op.method.upper(),
                op.url(values),
                params=op.query(),
                headers=persona.headers,
                **({} if body is None else {"json": body}),
            )
            status, mark = expected(persona, op)
            if answer.status_code != status or (mark is not None and mark not in answer.text):
                wrong.append(
                    f"{persona.name}: {op}: {answer.status_code} {answer.text[:140]}"
                    f" (expected {status}{' ' + mark if mark else ''})"
                )
        print(f"role table: {len(cases)} cases, {len(ours.personas)} callers")  # noqa: T201
        assert not wrong, "\n".join(wrong)
