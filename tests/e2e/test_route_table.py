"""The route table x (another organization's id, a random id): on every service, every
operation that takes an id answers another organization's resource exactly as it answers an
id that exists nowhere, a 404 with the same body. Generated from the services' OpenAPI
documents (see `operations.py`): a new route is covered without anyone listing it.

Each id of a path is probed alone (the caller's own resources in the other places, so the
foreign one is the only reason to refuse), and all at once."""

import uuid
from dataclasses import dataclass

import httpx
import pytest

from switchboard_testing.organization import Headers, Org, unique
from switchboard_testing.system import System
from switchboard_twitter_sim.client import SimulatorClient

from .operations import Operation, operations

pytestmark = pytest.mark.e2e

# Path parameters that name a resource of one organization; `tag` is a label, not an id.
IDS = {"channel_id", "conversation_id", "user_id", "team_id", "topic_id", "note_id"}
PROBED = [op for op in operations() if op.public and IDS & set(op.path_parameters)]


def test_the_route_table_is_found_and_every_path_parameter_is_known() -> None:
    assert len(PROBED) >= 30, [str(op) for op in PROBED]
    unknown = {
        (str(op), name)
        for op in operations()
        for name in op.path_parameters
        if name not in IDS | {"tag"}
    }
    assert not unknown, "a new kind of id: add it to IDS and to `Tenant` below"


@dataclass
class Tenant:
    """One organization with one resource of every kind an id can name."""

    org: Org
    ids: dict[str, str]


async def tenant(org: Org, sim: SimulatorClient) -> Tenant:
    brand = await sim.create_user(unique("brand"))
    channel_id = await org.connect(sim, brand)
    customer = await sim.create_user(unique("cust"))
    await sim.mention(customer, brand, "my parcel is late")
    conversation = await org.conversation_of(channel_id, customer, org.admin)
    user_id, _ = await org.agent("Dana")
    team = await org.access.post("/v1/teams", json={"name": unique("team")}, headers=org.admin)
    topic = await org.conversations.post(
        "/v1/topics", json={"name": unique("topic")}, headers=org.admin
    )
    note = await org.conversations.post(
        f"/v1/conversations/{conversation['id']}/notes", json={"text": "vip"}, headers=org.admin
    )
    for created in (team, topic, note):
        assert created.status_code == 201, created.text
    return Tenant(
        org,
        {
            "channel_id": channel_id,
            "conversation_id": str(conversation["id"]),
            "user_id": str(user_id),
            "team_id": str(team.json()["id"]),
            "topic_id": str(topic.json()["id"]),
            "note_id": str(note.json()["id"]),
            "tag": "vip",
        },
    )


def client(org: Org, op: Operation) -> httpx.AsyncClient:
    return {
        "access-svc": org.access,
        "channel-svc": org.channels,
        "conversation-svc": org.conversations,
    }[op.service]


async def call(org: Org, op: Operation, values: dict[str, str], headers: Headers) -> httpx.Response:
    body = op.body()
    return await client(org, op).request(
        op.method.upper(),
        op.url(values),
        params=op.query(),
        headers=headers,
        **({} if body is None else {"json": body}),
    )


async def test_another_organizations_ids_answer_like_ids_of_nothing_on_every_route(
    system: System,
) -> None:
    async with (
        Org(system) as a,
        Org(system) as b,
        SimulatorClient(system.twitter.base_url) as sim,
    ):
        theirs, ours = await tenant(a, sim), await tenant(b, sim)
        leaks: list[str] = []
        for op in PROBED:
            ids = [name for name in op.path_parameters if name in IDS]
            cases = [(name,) for name in ids] + ([tuple(ids)] if len(ids) > 1 else [])
            for foreign in cases:
                with_theirs = {**ours.ids, **{name: theirs.ids[name] for name in foreign}}
                with_random = {**ours.ids, **{name: str(uuid.uuid4()) for name in foreign}}
                got = await call(b, op, with_theirs, b.admin)
                nothing = await call(b, op, with_random, b.admin)
                if got.status_code != 404 or got.json() != nothing.json():
                    leaks.append(
                        f"{op} with A's {'+'.join(foreign)}: {got.status_code} {got.text[:160]}"
                        f" / random: {nothing.status_code} {nothing.text[:160]}"
                    )
        assert not leaks, "\n".join(leaks)
