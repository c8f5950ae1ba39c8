"""Users, teams and memberships over HTTP and the real database: the happy paths and what
bad input gets (404 unknown ids, 422 with the field, 409 conflicts, 403 for agents)."""

import asyncio
import uuid

import pytest

from .support import Tenant

pytestmark = pytest.mark.integration


async def test_an_admin_creates_reads_updates_and_lists_users(tenant: Tenant) -> None:
    admin = tenant.as_admin()
    created = await tenant.client.post(
        "/v1/users",
        json={"email": " Ana@Example.com ", "display_name": "Ana Ñúñez 🙂", "org_role": "admin"},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["email"] == "Ana@Example.com"
    assert (user["org_role"], user["active"], user["team_id"]) == ("admin", True, None)
    fetched = await tenant.client.get(f"/v1/users/{user['id']}", headers=admin)
    assert fetched.json() == user
    patched = await tenant.client.patch(
        f"/v1/users/{user['id']}",
        json={"display_name": "Ana N.", "org_role": "agent"},
        headers=admin,
    )
    assert (patched.json()["display_name"], patched.json()["org_role"]) == ("Ana N.", "agent")
    listed = await tenant.client.get("/v1/users", headers=admin)
    assert {u["id"] for u in listed.json()} == {user["id"], str(tenant.admin_id)}


async def test_a_display_name_counts_characters_not_bytes(tenant: Tenant) -> None:
    admin = tenant.as_admin()
    just_fits = {"email": "a@example.com", "display_name": "é" * 255}
    assert (await tenant.client.post("/v1/users", json=just_fits, headers=admin)).status_code == 201
    too_long = {"email": "b@example.com", "display_name": "é" * 256}
    response = await tenant.client.post("/v1/users", json=too_long, headers=admin)
    assert (response.status_code, response.json()["field"]) == (422, "display_name")


async def test_the_same_email_twice_is_409_whatever_its_case(tenant: Tenant) -> None:
    admin = tenant.as_admin()
    first = {"email": "ana@example.com", "display_name": "Ana"}
    assert (await tenant.client.post("/v1/users", json=first, headers=admin)).status_code == 201
    again = {"email": "ANA@example.com", "display_name": "Other Ana"}
    response = await tenant.client.post("/v1/users", json=again, headers=admin)
    assert response.status_code == 409
    assert (response.json()["code"], response.json()["field"]) == ("email_taken", "email")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"display_name": "No email"}, "email"),
        ({"email": "not-an-email", "display_name": "X"}, "email"),
        ({"email": "x@example.com", "display_name": "   "}, "display_name"),
        ({"email": "x@example.com", "display_name": "X", "org_role": "owner"}, "org_role"),
        ({"email": "x@example.com", "display_name": "X", "is_root": True}, "is_root"),
    ],
)
async def test_invalid_users_are_422_with_the_field(
    tenant: Tenant, body: dict[str, object], field: str
) -> None:
    response = await tenant.client.post("/v1/users", json=body, headers=tenant.as_admin())
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert response.json()["field"] == field


async def test_unknown_ids_are_404_and_malformed_ones_422(tenant: Tenant) -> None:
    admin = tenant.as_admin()
    unknown = uuid.uuid4()
    for path in (f"/v1/users/{unknown}", f"/v1/teams/{unknown}"):
        response = await tenant.client.get(path, headers=admin)
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
    response = await tenant.client.patch(
        f"/v1/users/{unknown}", json={"active": False}, headers=admin
    )
    assert (response.status_code, response.json()["field"]) == (404, "user_id")
    response = await tenant.client.get("/v1/users/not-a-uuid", headers=admin)
    assert (response.status_code, response.json()["field"]) == (422, "user_id")


async def test_agents_may_not_manage(tenant: Tenant) -> None:
    agent = tenant.as_user(uuid.uuid4())
    response = await tenant.client.post(
        "/v1/users", json={"email": "x@example.com", "display_name": "X"}, headers=agent
    )
    assert response.status_code == 403
    assert "admin" in response.json()["message"]
    assert (await tenant.client.get("/v1/teams", headers=agent)).status_code == 403
    assert (await tenant.client.get("/v1/users", headers=tenant.as_service())).status_code == 403


async def test_a_demoted_or_deactivated_admin_loses_the_right_at_once(tenant: Tenant) -> None:
    """The token still says admin; access-svc's record of the user takes the right away."""
    admin_id = await tenant.user(role="admin")
    their_token = tenant.as_user(admin_id, role="admin")
    assert (await tenant.client.get("/v1/users", headers=their_token)).status_code == 200
    await tenant.client.patch(
        f"/v1/users/{admin_id}", json={"org_role": "agent"}, headers=tenant.as_admin()
    )
    assert (await tenant.client.get("/v1/users", headers=their_token)).status_code == 403
    await tenant.client.patch(
        f"/v1/users/{admin_id}",
        json={"org_role": "admin", "active": False},
        headers=tenant.as_admin(),
    )
    response = await tenant.client.get("/v1/users", headers=their_token)
    assert (response.status_code, response.json()["code"]) == (403, "user_inactive")


async def test_the_last_active_admin_is_kept(tenant: Tenant) -> None:
    """Deactivating or demoting the only admin would lock the organization out for good."""
    me = tenant.as_admin()
    for change, field in (({"active": False}, "active"), ({"org_role": "agent"}, "org_role")):
        response = await tenant.client.patch(
            f"/v1/users/{tenant.admin_id}", json=change, headers=me
        )
        assert response.status_code == 409, response.text
        assert (response.json()["code"], response.json()["field"]) == ("last_admin", field)
    assert (await tenant.client.get("/v1/users", headers=me)).status_code == 200
    other = await tenant.user(role="admin")
    response = await tenant.client.patch(
        f"/v1/users/{tenant.admin_id}", json={"org_role": "agent"}, headers=me
    )
    assert response.status_code == 200, response.text  # another admin remains
    theirs = tenant.as_user(other, role="admin")
    response = await tenant.client.patch(
        f"/v1/users/{other}", json={"active": False}, headers=theirs
    )
    assert (response.status_code, response.json()["code"]) == (409, "last_admin")


async def test_two_admins_demoting_each_other_at_once_leave_one(tenant: Tenant) -> None:
    first = await tenant.user(role="admin")
    second = await tenant.user(role="admin")
    await tenant.client.patch(
        f"/v1/users/{tenant.admin_id}", json={"active": False}, headers=tenant.as_admin()
    )
    responses = await asyncio.gather(
        tenant.client.patch(
            f"/v1/users/{second}",
            json={"active": False},
            headers=tenant.as_user(first, role="admin"),
        ),
        tenant.client.patch(
            f"/v1/users/{first}",
            json={"active": False},
            headers=tenant.as_user(second, role="admin"),
        ),
    )
    # Whichever commits first wins. The other is refused either under the organization's
    # lock (409 `last_admin`: both callers were admins when they started) or, if the winner
    # committed before it began, for its caller's current standing (403 `user_inactive`).
    outcomes = sorted((r.status_code, r.json().get("code")) for r in responses)
    assert outcomes[0][0] == 200, outcomes
    assert outcomes[1] in {(403, "user_inactive"), (409, "last_admin")}, outcomes
    listed = await tenant.client.get("/v1/users", headers=tenant.as_user(first, role="admin"))
    if listed.status_code == 403:  # first was the one deactivated
        listed = await tenant.client.get("/v1/users", headers=tenant.as_user(second, role="admin"))
    admins = [u for u in listed.json() if u["org_role"] == "admin" and u["active"]]
    assert len(admins) == 1


async def test_teams_are_created_renamed_listed_and_unique_by_name(tenant: Tenant) -> None:
    admin = tenant.as_admin()
    team = await tenant.team("Support")
    other = await tenant.team("Billing")
    duplicate = await tenant.client.post("/v1/teams", json={"name": "support"}, headers=admin)
    assert (duplicate.status_code, duplicate.json()["field"]) == (409, "name")
    renamed = await tenant.client.patch(f"/v1/teams/{team}", json={"name": "Care"}, headers=admin)
    assert renamed.json() == {"id": team, "name": "Care", "member_ids": []}
    clash = await tenant.client.patch(f"/v1/teams/{other}", json={"name": "CARE"}, headers=admin)
    assert clash.status_code == 409
    listed = await tenant.client.get("/v1/teams", headers=admin)
    assert [t["name"] for t in listed.json()] == ["Billing", "Care"]
    empty = await tenant.client.post("/v1/teams", json={"name": ""}, headers=admin)
    assert (empty.status_code, empty.json()["field"]) == (422, "name")


async def test_a_user_in_one_team_is_refused_by_another_unless_moved(tenant: Tenant) -> None:
    admin = tenant.as_admin()
    user = await tenant.user()
    first = await tenant.team("First", members=(user,))
    second = await tenant.team("Second")
    again = await tenant.client.post(
        f"/v1/teams/{first}/members", json={"user_id": user}, headers=admin
    )
    assert again.status_code == 200  # already there: nothing changes
    refused = await tenant.client.post(
        f"/v1/teams/{second}/members", json={"user_id": user}, headers=admin
    )
    assert refused.status_code == 409
    body = refused.json()
    assert (body["code"], body["field"]) == ("already_in_team", "user_id")
    assert first in body["message"]
    assert (await tenant.client.get(f"/v1/teams/{second}", headers=admin)).json()[
        "member_ids"
    ] == []
    moved = await tenant.client.post(
        f"/v1/teams/{second}/members", json={"user_id": user, "move": True}, headers=admin
    )
    assert moved.status_code == 201
    assert moved.json() == {"team_id": second, "user_id": user, "previous_team_id": first}
    assert (await tenant.client.get(f"/v1/teams/{first}", headers=admin)).json()["member_ids"] == []
    assert (await tenant.client.get(f"/v1/users/{user}", headers=admin)).json()["team_id"] == second


async def test_concurrent_adds_to_two_teams_leave_the_user_in_exactly_one(tenant: Tenant) -> None:
    admin = tenant.as_admin()
    for _ in range(5):
        user = await tenant.user()
        teams = [await tenant.team(), await tenant.team()]
        answers = await asyncio.gather(
            *(
                tenant.client.post(
                    f"/v1/teams/{team}/members", json={"user_id": user}, headers=admin
                )
                for team in teams
            )
        )
        assert sorted(a.status_code for a in answers) == [201, 409]
        members = [
            (await tenant.client.get(f"/v1/teams/{team}", headers=admin)).json()["member_ids"]
            for team in teams
        ]
        assert sorted(members) == [[], [user]]


async def test_membership_needs_a_known_team_and_user(tenant: Tenant) -> None:
    admin = tenant.as_admin()
    user, team = await tenant.user(), await tenant.team()
    response = await tenant.client.post(
        f"/v1/teams/{uuid.uuid4()}/members", json={"user_id": user}, headers=admin
    )
    assert (response.status_code, response.json()["field"]) == (404, "team_id")
    response = await tenant.client.post(
        f"/v1/teams/{team}/members", json={"user_id": str(uuid.uuid4())}, headers=admin
    )
    assert (response.status_code, response.json()["field"]) == (404, "user_id")
    response = await tenant.client.delete(f"/v1/teams/{team}/members/{user}", headers=admin)
    assert response.status_code == 404  # not a member
    response = await tenant.client.post(
        f"/v1/teams/{team}/members", json={"move": True}, headers=admin
    )
    assert (response.status_code, response.json()["field"]) == (422, "user_id")


async def test_deleting_a_team_frees_its_members_and_removes_its_grants(tenant: Tenant) -> None:
    admin = tenant.as_admin()
    user = await tenant.user()
    team = await tenant.team(members=(user,))
    channel = await tenant.channel()
    await tenant.grant(channel, f"teams/{team}", "contributor")
    await tenant.grant(channel, f"teams/{team}/members/{user}", "supervisor")
    assert (await tenant.client.delete(f"/v1/teams/{team}", headers=admin)).status_code == 204
    assert (await tenant.client.get(f"/v1/teams/{team}", headers=admin)).status_code == 404
    assert (await tenant.client.get(f"/v1/users/{user}", headers=admin)).json()["team_id"] is None
    access = (await tenant.client.get(f"/v1/channels/{channel}/access", headers=admin)).json()
    assert access["teams"] == []
    assert (await tenant.decision(user, channel))["verdict"] == "no_access"
    # and the user may join another team without `move`
    await tenant.team(members=(user,))
