"""The app without infrastructure: settings, the development issuer (off by default), and
what is refused before any database is touched (401 without a token, 422 with the field)."""

import json
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from switchboard_access.bootstrap import create_app
from switchboard_access.settings import AccessSettings
from switchboard_contracts.enums import OrgRole
from switchboard_platform.auth.keys import StaticKeys, parse_jwks
from switchboard_platform.auth.settings import AuthSettings
from switchboard_platform.auth.signing import TokenSigner, generate_signing_key
from switchboard_platform.auth.verifier import TokenVerifier
from switchboard_platform.settings import DatabaseSettings

pytestmark = pytest.mark.unit

NOWHERE = DatabaseSettings(url="postgresql+psycopg://nobody@127.0.0.1:1/none")
# Keys from a URL nothing serves: no test here gets as far as fetching them.
AUTH = AuthSettings(
    issuer="https://issuer.test", audience="switchboard", jwks_url="http://127.0.0.1:9/jwks"
)


def app_with(**settings: object) -> FastAPI:
    return create_app(AccessSettings(database=NOWHERE, **settings))  # type: ignore[arg-type]


async def client_for(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://access") as client:
        yield client


@pytest.fixture
async def dev_client() -> AsyncIterator[httpx.AsyncClient]:
    async for client in client_for(app_with(auth=AUTH, dev_issuer=True)):
        yield client


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db/switchboard_access")
    monkeypatch.setenv("SB_ACCESS_PORT", "9001")
    monkeypatch.setenv("SB_ACCESS_DEV_ISSUER", "true")
    monkeypatch.setenv("AUTH_AUDIENCE", "care-api")
    settings = AccessSettings()
    assert (settings.port, settings.dev_issuer, settings.auth.audience) == (9001, True, "care-api")
    assert settings.database.url.endswith("/switchboard_access")


def test_by_default_access_svc_listens_on_8001_without_a_dev_issuer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db/x")
    settings = AccessSettings()
    assert (settings.port, settings.dev_issuer) == (8001, False)


async def test_the_dev_issuer_is_off_unless_configured() -> None:
    app = app_with(auth=AUTH)
    assert "/v1/dev/tokens" not in app.openapi()["paths"]
    async for client in client_for(app):
        assert (await client.post("/v1/dev/tokens", json={})).status_code in {404, 405}
        assert (await client.get("/.well-known/jwks.json")).status_code == 404


async def test_dev_tokens_verify_against_the_served_jwks(dev_client: httpx.AsyncClient) -> None:
    org, user = uuid.uuid4(), uuid.uuid4()
    issued = await dev_client.post(
        "/v1/dev/tokens", json={"org_id": str(org), "user_id": str(user), "org_role": "admin"}
    )
    assert issued.status_code == 200
    assert (issued.json()["token_type"], issued.json()["expires_in"]) == ("Bearer", 3600)
    jwks = (await dev_client.get("/.well-known/jwks.json")).json()
    assert all("d" not in key for key in jwks["keys"])  # public parts only
    verifier = TokenVerifier(
        StaticKeys(parse_jwks(jwks)), issuer=AUTH.issuer, audience=AUTH.audience
    )
    principal = await verifier.verify(issued.json()["access_token"])
    assert (principal.org_id, principal.user_id, principal.org_role) == (org, user, OrgRole.ADMIN)
    service = await dev_client.post(
        "/v1/dev/tokens",
        json={"org_id": str(org), "kind": "service", "service": "conversation-svc"},
    )
    assert (await verifier.verify(service.json()["access_token"])).is_service


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "user"}, "user_id"),
        ({"kind": "service"}, "service"),
        ({"kind": "service", "service": "Not A Name"}, "service"),
        ({"user_id": str(uuid.uuid4()), "ttl_seconds": 10**7}, "ttl_seconds"),
        ({"user_id": str(uuid.uuid4()), "org_role": "root"}, "org_role"),
    ],
)
async def test_dev_token_requests_are_validated(
    dev_client: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    response = await dev_client.post("/v1/dev/tokens", json={"org_id": str(uuid.uuid4()), **body})
    assert (response.status_code, response.json()["field"]) == (422, field)


def test_a_configured_dev_key_survives_a_restart() -> None:
    key = json.dumps(generate_signing_key().as_dict(private=True))
    first = app_with(auth=AUTH, dev_issuer=True, dev_issuer_key=key)
    second = app_with(auth=AUTH, dev_issuer=True, dev_issuer_key=key)
    fresh = app_with(auth=AUTH, dev_issuer=True)
    assert _jwks(first) == _jwks(second) != _jwks(fresh)


def _jwks(app: FastAPI) -> object:
    verifier: TokenVerifier = app.state.token_verifier
    keys: StaticKeys = verifier._keys  # type: ignore[assignment]
    return [key.thumbprint() for key in keys._keys]


async def test_requests_without_a_token_are_401_before_anything_else() -> None:
    async for client in client_for(app_with(auth=AUTH)):
        response = await client.post("/v1/check", json={"nonsense": True})
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"


async def test_invalid_bodies_are_422_with_the_field_before_any_lookup() -> None:
    signer = TokenSigner(generate_signing_key(), issuer=AUTH.issuer, audience=AUTH.audience)
    auth = AUTH.model_copy(update={"jwks": json.dumps(signer.jwks())})
    token = signer.service_token(org_id=uuid.uuid4(), service="conversation-svc")
    headers = {"authorization": f"Bearer {token}"}
    async for client in client_for(app_with(auth=auth)):
        cases = [
            ({"user_id": "x", "channel_id": str(uuid.uuid4()), "action": "read"}, "user_id"),
            ({"user_id": str(uuid.uuid4()), "action": "read"}, "channel_id"),
            (
                {"user_id": str(uuid.uuid4()), "channel_id": str(uuid.uuid4()), "action": "fly"},
                "action",
            ),
        ]
        for body, field in cases:
            response = await client.post("/v1/check", json=body, headers=headers)
            assert (response.status_code, response.json()["field"]) == (422, field)


def test_the_openapi_document_says_every_v1_endpoint_needs_a_bearer_token() -> None:
    document = app_with(auth=AUTH).openapi()
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    for path, operations in document["paths"].items():
        if path.startswith("/v1/"):
            for operation in operations.values():
                assert operation["security"] == [{"bearer": []}], path
                assert "401" in operation["responses"], path
