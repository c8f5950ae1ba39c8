"""A channel's grants over HTTP: set, change, remove, the toggles, per-member roles, the
access list, and "channels this user can access"."""

import uuid

import pytest

from switchboard_contracts.enums import ChannelStatus

from .support import Tenant

pytestmark = pytest.mark.integration


async def test_the_access_list_shows_every_grant(tenant: Tenant) -> None:
    admin = tenant.as_admin()
    alice, bob = await tenant.user(), await tenant.user()
    team = await tenant.team(members=(bob,))
    channel = await tenant.channel()
    set_user = await tenant.grant(channel, f"users/{alice}", "viewer")
    assert set_user.json() == {
        "channel_id": channel,
        "principal_kind": "user",
        "principal_id": alice,
        "member_user_id": None,
        "role": "viewer",
        "previous_role": None,
    }
    changed = await tenant.grant(channel, f"users/{alice}", "supervisor")
    assert (changed.json()["role"], changed.json()["previous_role"]) == ("supervisor", "viewer")
    await tenant.grant(channel, f"teams/{team}", "contributor")
    member = await tenant.grant(channel, f"teams/{team}/members/{bob}", "viewer")
    assert (member.json()["principal_id"], member.json()["member_user_id"]) == (team, bob)
    await tenant.grant(channel, "all-teams", "viewer")
    access = await tenant.client.get(f"/v1/channels/{channel}/access", headers=admin)
    assert access.json() == {
        "channel_id": channel,
        "all_users": None,
        "all_teams": "viewer",
        "users": [{"user_id": alice, "role": "supervisor"}],
        "teams": [
            {
                "team_id": team,
                "role": "contributor",
                "members": [{"user_id": bob, "role": "viewer"}],
            }
        ],
    }


async def test_removing_a_team_grant_removes_its_member_roles(tenant: Tenant) -> None:
    admin = tenant.as_admin()
    user = await tenant.user()
    team = await tenant.team(members=(user,))
    channel = await tenant.channel()
    await tenant.grant(channel, f"teams/{team}", "viewer")
    await tenant.grant(channel, f"teams/{team}/members/{user}", "supervisor")
    removed = await tenant.client.delete(
        f"/v1/channels/{channel}/access/teams/{team}", headers=admin
    )
    assert removed.status_code == 204
    await tenant.grant(channel, f"teams/{team}", "viewer")
    assert (await tenant.decision(user, channel))["role"] == "viewer"  # the member role is gone


async def test_a_member_role_needs_the_team_grant_and_a_member(tenant: Tenant) -> None:
    member, outsider = await tenant.user(), await tenant.user()
    team = await tenant.team(members=(member,))
    channel = await tenant.channel()
    no_team_grant = await tenant.grant(channel, f"teams/{team}/members/{member}", "viewer")
    assert (no_team_grant.status_code, no_team_grant.json()["field"]) == (404, "team_id")
    await tenant.grant(channel, f"teams/{team}", "viewer")
    not_a_member = await tenant.grant(channel, f"teams/{team}/members/{outsider}", "viewer")
    assert (not_a_member.status_code, not_a_member.json()["field"]) == (404, "user_id")


async def test_bad_grants_are_refused_with_the_field(tenant: Tenant) -> None:
    admin = tenant.as_admin()
    user, channel = await tenant.user(), await tenant.channel()
    bad_role = await tenant.grant(channel, f"users/{user}", "owner")
    assert (bad_role.status_code, bad_role.json()["field"]) == (422, "role")
    missing = await tenant.client.put(
        f"/v1/channels/{channel}/access/all-users", json={}, headers=admin
    )
    assert (missing.status_code, missing.json()["field"]) == (422, "role")
    unknown_channel = await tenant.grant(str(uuid.uuid4()), f"users/{user}", "viewer")
    assert (unknown_channel.status_code, unknown_channel.json()["field"]) == (404, "channel_id")
    unknown_user = await tenant.grant(channel, f"users/{uuid.uuid4()}", "viewer")
    assert (unknown_user.status_code, unknown_user.json()["field"]) == (404, "user_id")
    unknown_team = await tenant.grant(channel, f"teams/{uuid.uuid4()}", "viewer")
    assert (unknown_team.status_code, unknown_team.json()["field"]) == (404, "team_id")
    no_grant = await tenant.client.delete(f"/v1/channels/{channel}/access/all-teams", headers=admin)
    assert no_grant.status_code == 404
    agent = await tenant.client.put(
        f"/v1/channels/{channel}/access/all-users",
        json={"role": "viewer"},
        headers=tenant.as_user(user),
    )
    assert agent.status_code == 403


async def test_the_toggles_turn_on_with_a_role_and_off(tenant: Tenant) -> None:
    admin = tenant.as_admin()
    user, channel = await tenant.user(), await tenant.channel()
    await tenant.grant(channel, "all-users", "contributor")
    assert (await tenant.decision(user, channel, "reply"))["allowed"]
    off = await tenant.client.delete(f"/v1/channels/{channel}/access/all-users", headers=admin)
    assert off.status_code == 204
    assert (await tenant.decision(user, channel, "read"))["verdict"] == "no_access"


async def test_the_channels_a_user_can_access_with_their_roles(tenant: Tenant) -> None:
    user = await tenant.user()
    team = await tenant.team(members=(user,))
    mine, teams, everyone, hidden, gone = [await tenant.channel() for _ in range(5)]
    disconnected = await tenant.channel()
    await tenant.grant(mine, f"users/{user}", "supervisor")
    await tenant.grant(teams, f"teams/{team}", "contributor")
    await tenant.grant(everyone, "all-users", "viewer")
    await tenant.grant(gone, "all-teams", "viewer")
    await tenant.grant(disconnected, f"users/{user}", "viewer")
    await tenant.channel(channel_id=disconnected, status=ChannelStatus.DISCONNECTED, revision=2)
    response = await tenant.client.get(f"/v1/users/{user}/channels", headers=tenant.as_user(user))
    assert response.status_code == 200
    found = {c["channel_id"]: (c["role"], c["source"]) for c in response.json()["channels"]}
    assert found == {
        mine: ("supervisor", "user"),
        teams: ("contributor", "team"),
        everyone: ("viewer", "all_users"),
        gone: ("viewer", "all_teams"),
    }
    assert hidden not in found


async def test_an_admin_has_every_channel_and_a_deactivated_user_none(tenant: Tenant) -> None:
    admin_user, agent = await tenant.user(role="admin"), await tenant.user()
    channels = {await tenant.channel() for _ in range(3)}
    for channel in channels:
        await tenant.grant(channel, "all-users", "viewer")
    response = await tenant.client.get(
        f"/v1/users/{admin_user}/channels", headers=tenant.as_service()
    )
    assert {c["channel_id"] for c in response.json()["channels"]} == channels
    assert {c["source"] for c in response.json()["channels"]} == {"admin"}
    await tenant.client.patch(
        f"/v1/users/{agent}", json={"active": False}, headers=tenant.as_admin()
    )
    response = await tenant.client.get(f"/v1/users/{agent}/channels", headers=tenant.as_service())
    assert response.json() == {"user_id": agent, "channels": []}


async def test_channels_are_listed_for_admins(tenant: Tenant) -> None:
    channel = await tenant.channel()
    listed = await tenant.client.get("/v1/channels", headers=tenant.as_admin())
    assert [c["id"] for c in listed.json()] == [channel]
    assert listed.json()[0]["status"] == "connected"
