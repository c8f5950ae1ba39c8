"""The admin's story over HTTP: connect by OAuth against the simulator, settings, selector;
snapshots on the real `channels.v1`."""

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from switchboard_channel.adapters.crypto import CredentialCipher
from switchboard_channel.service_layer.twitter_activity import handle_twitter_activity
from switchboard_contracts.enums import ActorKind, ChannelRole
from switchboard_contracts.envelope import Actor, Subject, utc_now
from switchboard_contracts.events.twitter import AppRevoked, AppRevokedPayload
from switchboard_contracts.topics import CHANNELS
from switchboard_platform.kafka.naming import physical_name
from switchboard_testing.kafka import consume_until

from .conftest import Service, Sim, browse, connect
from .support import Org

pytestmark = pytest.mark.integration


def snapshots_of(channel_id: str) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    def holds(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [m["value"] for m in messages if m["key"] == channel_id]

    return holds


async def test_approving_creates_the_channel_publishes_it_and_subscribes_the_account(
    service: Service, sim: Sim, kafka_bootstrap_servers: str, topic_prefix: str
) -> None:
    org = Org()
    brand = await sim.client.create_user("acme_care", name="ACME Care")
    response = await connect(service, sim, org, "acme_care")
    assert response.status_code == 200, response.text
    body = response.json()
    channel = body["channel"]
    assert body["change"] == "connected"
    assert body["webhook_subscribed"] is True
    assert channel["twitter_account_id"] == brand.id
    assert channel["handle"] == "acme_care"
    assert channel["name"] == "ACME Care"  # GET /2/users/me as the account
    assert channel["url"] == "https://twitter.com/acme_care"
    assert channel["display_name"] == "@acme_care"
    assert channel["status"] == "connected"
    assert channel["auto_resolve"]["new_after_seconds"] == 30 * 24 * 3600

    # Subscribed: a customer's mention reaches the app's webhook for this account.
    customer = await sim.client.create_user("jane")
    await sim.client.mention(customer, brand, "where is my order?")
    deliveries = await sim.receiver.wait_for(
        lambda ds: any(d.payload.get("for_user_id") == brand.id for d in ds)
    )
    assert all(d.signature_valid for d in deliveries)

    holds = snapshots_of(channel["id"])
    seen = await consume_until(
        kafka_bootstrap_servers, physical_name(CHANNELS, topic_prefix), lambda ms: bool(holds(ms))
    )
    (event,) = holds(seen)
    assert event["type"] == "channel.snapshot"
    assert event["org_id"] == str(org.id)
    assert event["payload"]["change"] == "connected"
    assert event["payload"]["revision"] == 1
    assert event["payload"]["handle"] == "acme_care"
    assert event["payload"]["name"] == "ACME Care"
    assert event["payload"]["display_name"] == "@acme_care"
    assert "token" not in str(event).lower()

    # The same handle again in the same organization: 409.
    again = await connect(service, sim, org, "acme_care")
    assert again.status_code == 409
    assert again.json()["code"] == "already_connected"


async def test_denying_cancels_and_the_state_is_single_use(service: Service, sim: Sim) -> None:
    org = Org()
    await sim.client.create_user("deny_me")
    started = await service.client.post("/v1/channels/twitter/authorizations", headers=org.admin())
    await sim.client.script_authorization(approve_as=None)
    location = await browse(sim, started.json()["authorization_url"])
    path = location.removeprefix("https://channels.test")
    cancelled = await service.client.get(path)
    assert cancelled.status_code == 400
    assert cancelled.json()["code"] == "authorization_cancelled"
    assert "cancelled" in cancelled.json()["message"]
    replay = await service.client.get(path)
    assert replay.json()["code"] == "invalid_state"
    listed = await service.client.get("/v1/channels", headers=org.admin())
    assert listed.json() == []


async def test_a_forged_token_in_the_callback_is_refused(service: Service, sim: Sim) -> None:
    org = Org()
    await sim.client.create_user("forged")
    started = await service.client.post("/v1/channels/twitter/authorizations", headers=org.admin())
    await sim.client.script_authorization(approve_as="forged")
    location = await browse(sim, started.json()["authorization_url"])
    forged = location.replace("oauth_token=", "oauth_token=x")
    response = await service.client.get(forged.removeprefix("https://channels.test"))
    assert response.json()["code"] == "token_mismatch"


async def test_no_plaintext_credentials_in_the_database(
    service: Service, sim: Sim, keys: list[str]
) -> None:
    org = Org()
    await sim.client.create_user("secretive")
    assert (await connect(service, sim, org, "secretive")).status_code == 200
    engine = create_async_engine(service.settings.database.url)
    try:
        async with engine.connect() as connection:
            blob = await connection.scalar(text("SELECT credentials_encrypted FROM channels"))
            dumps = [
                str((await connection.execute(text(f"SELECT * FROM {table}"))).all())  # noqa: S608
                for table in ("channels", "oauth_states", "outbox", "deliveries")
            ]
    finally:
        await engine.dispose()
    credentials = CredentialCipher(service.settings.credential_keys).decrypt(bytes(blob))
    token = credentials.token.get_secret_value()
    secret = credentials.token_secret.get_secret_value()
    assert token.startswith(f"{(await sim.client.user('secretive')).id}-")
    for dump in dumps:
        assert token not in dump
        assert secret not in dump
    assert token not in repr(credentials)


async def test_settings_are_admin_only_validated_and_published(
    service: Service, sim: Sim, kafka_bootstrap_servers: str, topic_prefix: str
) -> None:
    org, other = Org(), Org()
    await sim.client.create_user("settings_co")
    channel = (await connect(service, sim, org, "settings_co")).json()["channel"]
    url = f"/v1/channels/{channel['id']}"
    agent = org.user()
    calls = [
        ("POST", "/v1/channels/twitter/authorizations", None),
        ("GET", url, None),
        ("PATCH", url, {"display_name": "x"}),
        ("POST", f"{url}/authorizations", None),
        ("POST", f"{url}/disconnect", None),
    ]
    for method, path, body in calls:
        refused = await service.client.request(method, path, json=body, headers=agent)
        assert refused.status_code == 403, (method, path, refused.text)
    for method, path, body in calls[1:]:
        hidden = await service.client.request(method, path, json=body, headers=other.admin())
        assert hidden.status_code == 404, (method, path, hidden.text)
    assert (await service.client.get(url)).status_code == 401

    too_long = await service.client.patch(
        url, json={"display_name": "é" * 256}, headers=org.admin()
    )
    assert too_long.status_code == 422
    assert too_long.json()["field"] == "display_name"
    blank = await service.client.patch(url, json={"display_name": "   "}, headers=org.admin())
    assert blank.json()["field"] == "display_name"
    zero = await service.client.patch(
        url, json={"auto_resolve": {"new_after_seconds": 0}}, headers=org.admin()
    )
    assert zero.status_code == 422
    assert zero.json()["field"] == "auto_resolve.new_after_seconds"

    name = "客服" * 127 + "!"  # 255 characters, 763 bytes
    changed = await service.client.patch(
        url,
        json={
            "display_name": name,
            "auto_ownership": True,
            "auto_resolve": {"pending_after_seconds": 3600},
        },
        headers=org.admin(),
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["revision"] == 2
    assert changed.json()["auto_resolve"] == {
        "enabled": True,
        "new_after_seconds": 30 * 24 * 3600,
        "pending_after_seconds": 3600,
    }
    same = await service.client.patch(url, json={"auto_ownership": True}, headers=org.admin())
    assert same.json()["revision"] == 2  # nothing changed, nothing published
    detail = await service.client.get(url, headers=org.admin())
    assert detail.json()["display_name"] == name
    assert detail.json()["access"]["channel_id"] == channel["id"]

    holds = snapshots_of(channel["id"])
    seen = await consume_until(
        kafka_bootstrap_servers,
        physical_name(CHANNELS, topic_prefix),
        lambda ms: len(holds(ms)) >= 2,
    )
    revisions = [(e["payload"]["revision"], e["payload"]["change"]) for e in holds(seen)]
    assert revisions == [(1, "connected"), (2, "settings_changed")]
    assert holds(seen)[1]["payload"]["display_name"] == name


async def test_selector_asks_access_svc_for_agents_with_their_own_token(
    service: Service, sim: Sim
) -> None:
    org = Org()
    await sim.client.create_user("sel_one")
    await sim.client.create_user("sel_two")
    one = (await connect(service, sim, org, "sel_one")).json()["channel"]
    two = (await connect(service, sim, org, "sel_two")).json()["channel"]
    as_admin = await service.client.get("/v1/channels", headers=org.admin())
    assert {c["id"] for c in as_admin.json()} == {one["id"], two["id"]}
    agent_id = uuid.uuid4()
    service.access.grants[agent_id] = {uuid.UUID(one["id"]): ChannelRole.VIEWER}
    headers = org.user(agent_id)
    as_agent = await service.client.get("/v1/channels", headers=headers)
    assert as_agent.json() == [
        {
            "id": one["id"],
            "display_name": "@sel_one",
            "handle": "sel_one",
            "url": "https://twitter.com/sel_one",
            "status": "connected",
            "role": "viewer",
        }
    ]
    assert service.access.tokens[-1] == headers["authorization"].removeprefix("Bearer ")
    # Another organization's channels never show, even if access-svc named them.
    stranger = Org()
    service.access.grants[agent_id] = {uuid.UUID(two["id"]): ChannelRole.VIEWER}
    assert (await service.client.get("/v1/channels", headers=stranger.user(agent_id))).json() == []


async def test_revoked_app_deauthorizes_then_reauthorizing_reconnects(
    service: Service, sim: Sim
) -> None:
    org, other = Org(), Org()
    brand = await sim.client.create_user("revoker")
    first = (await connect(service, sim, org, "revoker")).json()["channel"]
    second = (await connect(service, sim, other, "revoker")).json()["channel"]
    revoked = AppRevoked(
        event_id=uuid.uuid4(),
        occurred_at=utc_now(),
        org_id=None,
        producer="ingest-svc",
        actor=Actor(kind=ActorKind.TWITTER_ACCOUNT, id=brand.id),
        correlation_id=uuid.uuid4(),
        subject=Subject(twitter_account_id=brand.id),
        payload=AppRevokedPayload(account_id=brand.id, revoked_at=utc_now()),
    )
    ctx = service.app.state.context
    await handle_twitter_activity(ctx, revoked)
    await handle_twitter_activity(ctx, revoked)  # redelivered: one effect
    for owner, channel in ((org, first), (other, second)):
        detail = await service.client.get(f"/v1/channels/{channel['id']}", headers=owner.admin())
        assert detail.json()["status"] == "deauthorized"
        assert detail.json()["revision"] == 2
    again = await connect(service, sim, org, "revoker")
    assert again.status_code == 200, again.text
    assert again.json()["change"] == "reauthorized"
    assert again.json()["channel"]["id"] == first["id"]
    assert again.json()["channel"]["status"] == "connected"
    assert again.json()["channel"]["revision"] == 3


async def test_a_failed_name_lookup_connects_with_the_handle_and_reauthorizing_fixes_it(
    service: Service, sim: Sim
) -> None:
    org = Org()
    await sim.client.create_user("no_name_yet", name="Named Later")
    await sim.client.set_rate_limit("users", limit=0, window_seconds=900)  # 429 on users/me
    connected = await connect(service, sim, org, "no_name_yet")
    assert connected.status_code == 200, connected.text
    channel = connected.json()["channel"]
    assert channel["name"] == "no_name_yet"
    assert connected.json()["webhook_subscribed"] is True

    await sim.client.set_rate_limit("users", limit=100, window_seconds=900)
    started = await service.client.post(
        f"/v1/channels/{channel['id']}/authorizations", headers=org.admin()
    )
    await sim.client.script_authorization(approve_as="no_name_yet")
    location = await browse(sim, started.json()["authorization_url"])
    again = await service.client.get(location.removeprefix("https://channels.test"))
    assert again.status_code == 200, again.text
    assert again.json()["change"] == "reauthorized"
    assert again.json()["channel"]["name"] == "Named Later"
