"""Tenancy: an admin (or service, or user) of organization B gets 404 for anything of
organization A, in every endpoint, and changes nothing there. The list of endpoints comes
from the app itself, so a new endpoint without a case here fails the test."""

import uuid
from typing import Any

import httpx
import pytest

from .conftest import Running
from .support import Tenant

pytestmark = pytest.mark.integration

ROLE = {"role": "viewer"}


async def populated(tenant: Tenant) -> dict[str, str]:
    """Organization A: a user in a team, a channel with every kind of grant."""
    user = await tenant.user()
    team = await tenant.team(name="Support", members=(user,))
    channel = await tenant.channel()
    for path in (f"users/{user}", f"teams/{team}", f"teams/{team}/members/{user}"):
        assert (await tenant.grant(channel, path, "contributor")).status_code == 200
    for path in ("all-users", "all-teams"):
        assert (await tenant.grant(channel, path, "viewer")).status_code == 200
    return {"user_id": user, "team_id": team, "channel_id": channel}


def routes(running: Running) -> set[tuple[str, str]]:
    """Every /v1 endpoint, from the app's own OpenAPI document."""
    paths = running.app.openapi()["paths"]
    return {
        (method.upper(), path)
        for path, operations in paths.items()
        if path.startswith("/v1/")
        for method in operations
    }


def bodies(a: dict[str, str]) -> dict[tuple[str, str], Any]:
    """A valid body for every endpoint (so the answer is about the ids, not the body)."""
    return {
        ("POST", "/v1/users"): None,  # no id to look up: see the list tests below
        ("GET", "/v1/users"): None,
        ("GET", "/v1/users/{user_id}"): None,
        ("PATCH", "/v1/users/{user_id}"): {"display_name": "Mallory", "active": False},
        ("GET", "/v1/users/{user_id}/channels"): None,
        ("POST", "/v1/teams"): None,
        ("GET", "/v1/teams"): None,
        ("GET", "/v1/teams/{team_id}"): None,
        ("PATCH", "/v1/teams/{team_id}"): {"name": "Taken over"},
        ("DELETE", "/v1/teams/{team_id}"): None,
        ("POST", "/v1/teams/{team_id}/members"): {"user_id": a["user_id"], "move": True},
        ("DELETE", "/v1/teams/{team_id}/members/{user_id}"): None,
        ("GET", "/v1/channels"): None,
        ("GET", "/v1/channels/{channel_id}/access"): None,
        ("PUT", "/v1/channels/{channel_id}/access/users/{user_id}"): ROLE,
        ("DELETE", "/v1/channels/{channel_id}/access/users/{user_id}"): None,
        ("PUT", "/v1/channels/{channel_id}/access/teams/{team_id}"): ROLE,
        ("DELETE", "/v1/channels/{channel_id}/access/teams/{team_id}"): None,
        ("PUT", "/v1/channels/{channel_id}/access/teams/{team_id}/members/{user_id}"): ROLE,
        ("DELETE", "/v1/channels/{channel_id}/access/teams/{team_id}/members/{user_id}"): None,
        ("PUT", "/v1/channels/{channel_id}/access/all-users"): ROLE,
        ("DELETE", "/v1/channels/{channel_id}/access/all-users"): None,
        ("PUT", "/v1/channels/{channel_id}/access/all-teams"): ROLE,
        ("DELETE", "/v1/channels/{channel_id}/access/all-teams"): None,
        ("GET", "/v1/me/standing"): None,
        ("POST", "/v1/check"): {
            "action": "read",
            "user_id": a["user_id"],
            "channel_id": a["channel_id"],
        },
    }


WITHOUT_IDS = {
    ("GET", "/v1/me/standing"),
    ("POST", "/v1/users"),
    ("GET", "/v1/users"),
    ("POST", "/v1/teams"),
    ("GET", "/v1/teams"),
    ("GET", "/v1/channels"),
}


async def snapshot_of(a: Tenant, ids: dict[str, str]) -> list[Any]:
    """Everything organization A can see of its own records."""
    headers = a.as_admin()
    paths = [
        "/v1/users",
        "/v1/teams",
        "/v1/channels",
        f"/v1/channels/{ids['channel_id']}/access",
        f"/v1/users/{ids['user_id']}/channels",
    ]
    return [(await a.client.get(path, headers=headers)).json() for path in paths]


async def call(
    client: httpx.AsyncClient, method: str, path: str, body: Any, headers: Any
) -> httpx.Response:
    return await client.request(method, path, json=body, headers=headers)


async def test_every_endpoint_answers_404_for_another_organizations_ids(
    running: Running, tenant: Tenant, other_tenant: Tenant
) -> None:
    a, b = tenant, other_tenant
    ids = await populated(a)
    await populated(b)  # B has records of its own: A's ids are not merely "absent"
    before = await snapshot_of(a, ids)
    cases = bodies(ids)
    assert set(cases) == routes(running), "every endpoint needs a tenancy case"
    for method, template in sorted(set(cases) - WITHOUT_IDS):
        path = template.format(**ids)
        for who, headers in [("B's admin", b.as_admin()), ("B's service", b.as_service())]:
            response = await call(b.client, method, path, cases[method, template], headers)
            if who == "B's service" and response.status_code == 403:
                continue  # management endpoints are for admins: refused before any lookup
            assert response.status_code == 404, f"{who}: {method} {path}: {response.text}"
            assert response.json()["code"] == "not_found"
    assert await snapshot_of(a, ids) == before


async def test_mixing_ones_own_records_with_another_organizations_is_404(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    a, b = tenant, other_tenant
    theirs = await populated(a)
    mine = await populated(b)
    before = await snapshot_of(a, theirs)
    admin = b.as_admin()
    mixed = [
        ("PUT", f"/v1/channels/{mine['channel_id']}/access/users/{theirs['user_id']}", ROLE),
        ("PUT", f"/v1/channels/{mine['channel_id']}/access/teams/{theirs['team_id']}", ROLE),
        ("PUT", f"/v1/channels/{theirs['channel_id']}/access/users/{mine['user_id']}", ROLE),
        (
            "PUT",
            f"/v1/channels/{mine['channel_id']}/access/teams/{mine['team_id']}/members/{theirs['user_id']}",
            ROLE,
        ),
        ("POST", f"/v1/teams/{mine['team_id']}/members", {"user_id": theirs["user_id"]}),
        ("DELETE", f"/v1/teams/{mine['team_id']}/members/{theirs['user_id']}", None),
        (
            "POST",
            "/v1/check",
            {"user_id": theirs["user_id"], "channel_id": mine["channel_id"], "action": "read"},
        ),
        (
            "POST",
            "/v1/check",
            {"user_id": mine["user_id"], "channel_id": theirs["channel_id"], "action": "read"},
        ),
    ]
    for method, path, body in mixed:
        response = await call(b.client, method, path, body, admin)
        assert response.status_code == 404, f"{method} {path}: {response.text}"
    assert await snapshot_of(a, theirs) == before


async def test_lists_show_nothing_of_another_organization(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    a, b = tenant, other_tenant
    await populated(a)
    for path in ("/v1/teams", "/v1/channels"):
        assert (await b.client.get(path, headers=b.as_admin())).json() == []
    users = (await b.client.get("/v1/users", headers=b.as_admin())).json()
    assert [u["id"] for u in users] == [str(b.admin_id)]


async def test_names_and_emails_are_unique_per_organization_only(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    a, b = tenant, other_tenant
    ids = await populated(a)
    email = (await a.client.get(f"/v1/users/{ids['user_id']}", headers=a.as_admin())).json()[
        "email"
    ]
    new_user = {"email": email, "display_name": "Same email, other org"}
    assert (
        await b.client.post("/v1/users", json=new_user, headers=b.as_admin())
    ).status_code == 201
    new_team = {"name": "Support"}
    assert (
        await b.client.post("/v1/teams", json=new_team, headers=b.as_admin())
    ).status_code == 201


async def test_a_user_token_of_another_organization_is_404_even_for_the_same_user_id(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    """B's token whose subject is A's user id is still B's: A's user does not exist there,
    so the caller is refused as unknown, exactly as with an id that exists nowhere."""
    a, b = tenant, other_tenant
    ids = await populated(a)
    for subject in (ids["user_id"], str(uuid.uuid4())):
        headers = b.as_user(subject)
        listing = await b.client.get(f"/v1/users/{subject}/channels", headers=headers)
        check = await b.check(subject, ids["channel_id"], "read", headers)
        for response in (listing, check):
            assert (response.status_code, response.json()["code"]) == (403, "unknown_user")


async def test_an_agent_of_another_organization_learns_nothing_either(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    """An agent is refused management endpoints alike for A's ids and ids that exist nowhere."""
    a, b = tenant, other_tenant
    ids = await populated(a)
    agent = b.as_user(await b.user())
    for path in (f"/v1/users/{ids['user_id']}", f"/v1/teams/{ids['team_id']}"):
        real = await b.client.get(path, headers=agent)
        made_up = await b.client.get(path.rsplit("/", 1)[0] + f"/{uuid.uuid4()}", headers=agent)
        assert real.status_code == made_up.status_code == 403
        assert real.json() == made_up.json()
