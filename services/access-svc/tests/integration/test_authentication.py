"""Who may call: 401 for a missing, expired, wrongly signed or wrong-audience token on
every endpoint; the check and channel list for services, admins and the user themself."""

import time
import uuid

import pytest

from switchboard_platform.auth.signing import TokenSigner, generate_signing_key

from .conftest import AUDIENCE, ISSUER, Running
from .support import Tenant

pytestmark = pytest.mark.integration


def bad_tokens(tenant: Tenant, signer: TokenSigner) -> dict[str, dict[str, str]]:
    claims = {"sub": str(tenant.admin_id), "org_id": str(tenant.id), "org_role": "admin"}
    stranger = TokenSigner(generate_signing_key(), issuer=ISSUER, audience=AUDIENCE)
    return {
        "missing": {},
        "expired": {"authorization": f"Bearer {signer.sign(claims, now=time.time() - 7200)}"},
        "wrongly signed": {"authorization": f"Bearer {stranger.sign(claims)}"},
        "wrong audience": {"authorization": f"Bearer {signer.sign({**claims, 'aud': 'other'})}"},
        "wrong issuer": {"authorization": f"Bearer {signer.sign({**claims, 'iss': 'https://x'})}"},
        "not a JWT": {"authorization": "Bearer hello"},
        "basic auth": {"authorization": "Basic YWRtaW46YWRtaW4="},
    }


async def test_every_endpoint_refuses_a_bad_token_with_401(
    running: Running, tenant: Tenant, signer: TokenSigner
) -> None:
    ids = {"user_id": uuid.uuid4(), "team_id": uuid.uuid4(), "channel_id": uuid.uuid4()}
    paths = running.app.openapi()["paths"]
    endpoints = [
        (method.upper(), path.format(**ids))
        for path, operations in paths.items()
        if path.startswith("/v1/")
        for method in operations
    ]
    assert len(endpoints) == 26
    for why, headers in bad_tokens(tenant, signer).items():
        for method, path in endpoints:
            response = await tenant.client.request(method, path, headers=headers, json={})
            assert response.status_code == 401, f"{why}: {method} {path}: {response.text}"
            assert response.headers["www-authenticate"].startswith("Bearer")
            assert response.json()["code"] == "unauthenticated"


async def test_an_admin_known_only_from_the_token_may_only_create_the_first_users(
    tenant: Tenant,
) -> None:
    """The identity provider's admin, unknown here, bootstraps an organization (its first
    users) and nothing else; once it has an admin on record, such a token does nothing."""
    day_one = Tenant(tenant.client, tenant.signer, tenant.unit_of_work)
    for method, path in (("GET", "/v1/users"), ("POST", "/v1/teams"), ("GET", "/v1/channels")):
        refused = await day_one.client.request(
            method, path, json={"name": "Care"}, headers=day_one.as_admin()
        )
        assert (refused.status_code, refused.json()["code"]) == (403, "unknown_user"), path
    await day_one.user(role="agent")  # the first write creates the organization here
    await day_one.bootstrap()  # its first admin on record: bootstrap is over
    late = Tenant(tenant.client, tenant.signer, tenant.unit_of_work, id=day_one.id)
    refused = await late.client.post(
        "/v1/users",
        json={"email": "late@example.com", "display_name": "Late"},
        headers=late.as_admin(),
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "unknown_user")
    # and the admin on record does everything
    assert (await day_one.client.get("/v1/users", headers=day_one.as_admin())).status_code == 200


async def test_a_user_may_check_themself_but_not_others(tenant: Tenant) -> None:
    me, someone = await tenant.user(), await tenant.user()
    channel = await tenant.channel()
    await tenant.grant(channel, f"users/{me}", "viewer")
    mine = await tenant.check(me, channel, "reply", headers=tenant.as_user(me))
    assert mine.status_code == 200
    assert (mine.json()["allowed"], mine.json()["required_role"]) == (False, "contributor")
    theirs = await tenant.check(someone, channel, "read", headers=tenant.as_user(me))
    assert (theirs.status_code, theirs.json()["field"]) == (403, "user_id")
    listing = await tenant.client.get(f"/v1/users/{someone}/channels", headers=tenant.as_user(me))
    assert listing.status_code == 403


async def test_services_and_admins_may_check_anyone(tenant: Tenant) -> None:
    user, channel = await tenant.user(), await tenant.channel()
    for headers in (tenant.as_service(), tenant.as_admin()):
        response = await tenant.check(user, channel, "read", headers=headers)
        assert (response.status_code, response.json()["verdict"]) == (200, "no_access")


async def test_the_check_says_which_of_user_and_channel_is_unknown(tenant: Tenant) -> None:
    user, channel = await tenant.user(), await tenant.channel()
    unknown_channel = await tenant.check(user, str(uuid.uuid4()), "read")
    assert (unknown_channel.status_code, unknown_channel.json()["field"]) == (404, "channel_id")
    unknown_user = await tenant.check(str(uuid.uuid4()), channel, "read")
    assert (unknown_user.status_code, unknown_user.json()["field"]) == (404, "user_id")
    bad_action = await tenant.check(user, channel, "delete_everything")
    assert (bad_action.status_code, bad_action.json()["field"]) == (422, "action")
