"""Every (role, action) pair of DOMAIN.md's table, through the HTTP check endpoint against
the real database; then which grant wins, through the same endpoint."""

import pytest

from switchboard_contracts.enums import ChannelAction

from .support import Tenant

pytestmark = pytest.mark.integration

# DOMAIN.md, "Access to a channel and roles": Viewer, Contributor, Supervisor.
TABLE = {
    "read": (True, True, True),
    "move": (True, True, True),
    "label": (True, True, True),
    "reply": (False, True, True),
    "take_ownership": (False, True, True),
    "assign_ownership": (False, False, True),
    "view_reports": (False, False, True),
}
ROLES = ("viewer", "contributor", "supervisor")
LEAST_ROLE = {action: ROLES[allowed.index(True)] for action, allowed in TABLE.items()}


def test_the_table_covers_every_action_of_the_contract() -> None:
    assert set(TABLE) == {action.value for action in ChannelAction}


@pytest.mark.parametrize("grant_path", ["users/{user}", "teams/{team}", "all-users", "all-teams"])
async def test_every_role_and_action_pair(tenant: Tenant, grant_path: str) -> None:
    """One channel per role; the role comes through `grant_path` (to the user, to their
    team, or a toggle), and the check must match the table for every action."""
    user = await tenant.user()
    team = await tenant.team(members=(user,))
    seen = {}
    for role in ROLES:
        channel = await tenant.channel()
        path = grant_path.format(user=user, team=team)
        assert (await tenant.grant(channel, path, role)).status_code == 200
        for action in TABLE:
            body = await tenant.decision(user, channel, action)
            seen[role, action] = body["allowed"]
            assert body["role"] == role
            assert body["required_role"] == LEAST_ROLE[action]
            assert body["verdict"] == ("allowed" if body["allowed"] else "role_too_low")
    expected = {
        (role, action): allowed[ROLES.index(role)]
        for action, allowed in TABLE.items()
        for role in ROLES
    }
    assert seen == expected


async def test_without_a_grant_the_channel_does_not_exist_for_the_user(tenant: Tenant) -> None:
    user, channel = await tenant.user(), await tenant.channel()
    for action in TABLE:
        body = await tenant.decision(user, channel, action)
        assert (body["allowed"], body["verdict"], body["role"]) == (False, "no_access", None)


async def test_an_admin_may_do_everything_without_a_grant(tenant: Tenant) -> None:
    admin, channel = await tenant.user(role="admin"), await tenant.channel()
    for action in TABLE:
        body = await tenant.decision(admin, channel, action)
        assert (body["allowed"], body["role"], body["source"]) == (True, "supervisor", "admin")


async def test_the_most_specific_grant_wins(tenant: Tenant) -> None:
    user = await tenant.user()
    team = await tenant.team(members=(user,))
    channel = await tenant.channel()
    steps = [  # add ever more specific grants, each with a role that differs from the last
        ("all-users", "supervisor", "all_users"),
        ("all-teams", "viewer", "all_teams"),
        (f"teams/{team}", "supervisor", "team"),
        (f"teams/{team}/members/{user}", "viewer", "team_member"),
        (f"users/{user}", "contributor", "user"),
    ]
    for path, role, source in steps:
        assert (await tenant.grant(channel, path, role)).status_code == 200
        body = await tenant.decision(user, channel, "reply")
        assert (body["role"], body["source"]) == (role, source)
    # and taking them away again, most specific first, falls back step by step
    for (path, _, _), (_, role, source) in zip(steps[:0:-1], steps[-2::-1], strict=True):
        response = await tenant.client.delete(
            f"/v1/channels/{channel}/access/{path}", headers=tenant.as_admin()
        )
        assert response.status_code == 204, response.text
        body = await tenant.decision(user, channel, "reply")
        assert (body["role"], body["source"]) == (role, source)


async def test_all_teams_does_not_reach_a_user_in_no_team(tenant: Tenant) -> None:
    loner, channel = await tenant.user(), await tenant.channel()
    await tenant.grant(channel, "all-teams", "supervisor")
    assert (await tenant.decision(loner, channel))["verdict"] == "no_access"
    await tenant.grant(channel, "all-users", "viewer")
    body = await tenant.decision(loner, channel)
    assert (body["role"], body["source"]) == ("viewer", "all_users")


async def test_a_deactivated_user_loses_all_access(tenant: Tenant) -> None:
    user, channel = await tenant.user(), await tenant.channel()
    await tenant.grant(channel, f"users/{user}", "supervisor")
    response = await tenant.client.patch(
        f"/v1/users/{user}", json={"active": False}, headers=tenant.as_admin()
    )
    assert response.status_code == 200
    body = await tenant.decision(user, channel)
    assert (body["allowed"], body["verdict"]) == (False, "user_inactive")
    await tenant.client.patch(f"/v1/users/{user}", json={"active": True}, headers=tenant.as_admin())
    assert (await tenant.decision(user, channel))["allowed"]


async def test_leaving_the_team_ends_the_member_role_and_the_team_grant(tenant: Tenant) -> None:
    user = await tenant.user()
    team = await tenant.team(members=(user,))
    channel = await tenant.channel()
    await tenant.grant(channel, f"teams/{team}", "viewer")
    await tenant.grant(channel, f"teams/{team}/members/{user}", "supervisor")
    assert (await tenant.decision(user, channel))["role"] == "supervisor"
    response = await tenant.client.delete(
        f"/v1/teams/{team}/members/{user}", headers=tenant.as_admin()
    )
    assert response.status_code == 204
    assert (await tenant.decision(user, channel))["verdict"] == "no_access"
    access = await tenant.client.get(f"/v1/channels/{channel}/access", headers=tenant.as_admin())
    assert access.json()["teams"] == [{"team_id": team, "role": "viewer", "members": []}]
