"""console-svc's own HTTP rules, with the services faked (httpx MockTransport): the session
cookie's flags, CSRF on every form, the security headers, sign-in before any page, and the
live feed's reading of conversations.v1 records."""

import json
import re
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager

from switchboard_console.adapters.live import Change, LiveFeed, change_of
from switchboard_console.bootstrap import create_app
from switchboard_console.entrypoints.render import live_digest
from switchboard_console.entrypoints.reports import bars
from switchboard_console.settings import ConsoleSettings

pytestmark = pytest.mark.unit
ORG, USER = str(uuid.uuid4()), str(uuid.uuid4())


def fake_services(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/.well-known/openid-configuration":
        return httpx.Response(
            200,
            json={
                "issuer": "http://access",
                "authorization_endpoint": "http://access/v1/dev/oidc/authorize",
                "token_endpoint": "http://access/v1/dev/oidc/token",
                "jwks_uri": "http://access/.well-known/jwks.json",
            },
        )
    if request.url.path == "/v1/me/standing":
        return httpx.Response(
            200, json={"user_id": USER, "org_role": "agent", "active": True, "team_id": None}
        )
    if request.url.path == "/livez":
        return httpx.Response(200, json={"status": "ok"})
    return httpx.Response(404, json={"status": 404, "code": "not_found", "message": "No."})


@pytest.fixture
async def console() -> AsyncIterator[httpx.AsyncClient]:
    settings = ConsoleSettings(
        access_url="http://access",
        channel_url="http://channel",
        conversation_url="http://conversation",
        session_secret="s" * 48,
        oidc_metadata_url="http://access/.well-known/openid-configuration",
        live=False,
    )
    app = create_app(settings)
    async with LifespanManager(app):
        transport = httpx.MockTransport(fake_services)
        context = app.state.context
        # The provider's discovery document as if fetched (authlib caches it so).
        context.identity._client.server_metadata = {
            **fake_services(
                httpx.Request("GET", "http://access/.well-known/openid-configuration")
            ).json(),
            "_loaded_at": 1,
        }
        for name in ("access", "channel", "conversation"):
            client = getattr(context.services, name)
            client._transport = transport
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="https://console.test"
        ) as client:
            yield client


def csrf_of(page: str) -> str:
    found = re.search(r'data-csrf="([^"]+)"', page)
    assert found is not None, page
    return found.group(1)


async def test_pages_need_a_sign_in(console: httpx.AsyncClient) -> None:
    for path in ("/inbox", "/settings/channels", "/conversations/x", "/live"):
        answer = await console.get(path)
        assert (answer.status_code, answer.headers["location"]) == (303, "/signin"), path


async def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(
    console: httpx.AsyncClient,
) -> None:
    page = await console.get("/signin")
    form = {"display_name": "Mallory", "email": "m@example.com"}
    refused = await console.post("/setup", data=form)
    forged = await console.post("/setup", data={**form, "csrf": "forged"})
    assert (refused.status_code, forged.status_code) == (403, 403)
    assert "did not come from this console" in refused.text
    signed_out = await console.post("/signout", data={"csrf": csrf_of(page.text)})
    assert (signed_out.status_code, signed_out.headers["location"]) == (303, "/signin")


async def test_an_unreachable_identity_provider_is_a_page_not_a_500() -> None:
    settings = ConsoleSettings(
        access_url="http://access",
        channel_url="http://channel",
        conversation_url="http://conversation",
        session_secret="s" * 48,
        oidc_metadata_url="http://127.0.0.1:9/.well-known/openid-configuration",
        live=False,
    )
    app = create_app(settings)
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://c") as client,
    ):
        answer = await client.get("/signin/start")
    assert answer.status_code == 503
    assert "identity provider does not answer" in answer.text


async def test_sign_in_goes_to_the_identity_provider_with_pkce_and_a_nonce(
    console: httpx.AsyncClient,
) -> None:
    answer = await console.get("/signin/start")
    assert answer.status_code == 302
    target = httpx.URL(answer.headers["location"])
    assert str(target).startswith("http://access/v1/dev/oidc/authorize?")
    query = dict(target.params)
    assert query["client_id"] == "switchboard-console"
    assert query["redirect_uri"] == "http://127.0.0.1:8000/signin/callback"
    assert query["code_challenge_method"] == "S256"
    assert query["nonce"]
    assert query["state"]


async def test_the_session_cookie_is_httponly_samesite_and_secure(
    console: httpx.AsyncClient,
) -> None:
    page = await console.get("/signin")
    cookie = page.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" in cookie


async def test_every_page_carries_the_security_headers(console: httpx.AsyncClient) -> None:
    page = await console.get("/signin")
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert page.headers["x-frame-options"] == "DENY"
    assert "<script>" not in page.text  # no inline script: the policy allows none


def test_a_conversations_record_gives_its_organization_and_ids_only() -> None:
    conversation, channel = uuid.uuid4(), uuid.uuid4()
    value = json.dumps(
        {
            "org_id": ORG,
            "type": "conversation.created",
            "subject": {"conversation_id": str(conversation), "channel_id": str(channel)},
            "payload": {"text": "the customer's words stay on the server"},
        }
    ).encode()
    assert change_of(value) == (
        uuid.UUID(ORG),
        Change("conversation.created", str(conversation), str(channel)),
    )
    assert change_of(b"not json") is None
    assert change_of(b'{"type": "x"}') is None


async def test_a_change_reaches_only_its_organizations_pages() -> None:
    feed, theirs = LiveFeed(), uuid.uuid4()
    change = Change("conversation.created", "c", "ch")
    async with feed.subscribe(uuid.UUID(ORG)) as ours, feed.subscribe(theirs) as other:
        feed.publish(uuid.UUID(ORG), change)
        assert ours.get_nowait() == change
        assert other.empty()


def test_bars_are_drawn_relative_to_the_largest() -> None:
    assert bars({"a": 5, "b": 10, "c": 0}) == [
        {"label": "a", "value": 5, "width": 50.0},
        {"label": "b", "value": 10, "width": 100.0},
        {"label": "c", "value": 0, "width": 0.0},
    ]
    assert bars({}) == []


def test_a_live_digest_changes_with_what_is_shown_and_only_with_it() -> None:
    shown = {"items": [{"id": "a", "status": "new"}], "names": {"c": "@brand"}}
    reordered = {"names": {"c": "@brand"}, "items": [{"status": "new", "id": "a"}]}
    assert live_digest(shown) == live_digest(reordered)
    moved = {**shown, "items": [{"id": "a", "status": "pending"}]}
    assert live_digest(moved) != live_digest(shown)
