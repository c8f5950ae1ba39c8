"""The FastAPI dependency: 401 in the project's error shape with `WWW-Authenticate`."""

import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI

from switchboard_contracts.enums import OrgRole
from switchboard_contracts.errors import ErrorBody
from switchboard_platform.auth.http import CurrentPrincipal, install_auth
from switchboard_platform.auth.keys import KeysUnavailableError, StaticKeys
from switchboard_platform.auth.signing import TokenSigner, generate_signing_key
from switchboard_platform.auth.verifier import TokenVerifier
from switchboard_platform.http.app import create_app

pytestmark = pytest.mark.unit

ORG = uuid.uuid4()
USER = uuid.uuid4()


@asynccontextmanager
async def _nothing(_: FastAPI) -> AsyncIterator[None]:
    yield


class NoKeys:
    async def keys_for(self, kid: str | None) -> object:
        raise KeysUnavailableError(kid or "none")

    async def aclose(self) -> None:
        return None


def app_with(verifier: TokenVerifier) -> FastAPI:
    app = create_app(title="t", description="t", lifespan=_nothing, checks={})
    install_auth(app, verifier)

    @app.get("/v1/whoami")
    async def whoami(principal: CurrentPrincipal) -> dict[str, str]:
        return {"org_id": str(principal.org_id), "subject": principal.subject}

    return app


@pytest.fixture(scope="module")
def signer() -> TokenSigner:
    return TokenSigner(generate_signing_key(), issuer="i", audience="a")


@pytest.fixture
async def client(signer: TokenSigner) -> AsyncIterator[httpx.AsyncClient]:
    app = app_with(TokenVerifier(StaticKeys(signer.public_keys), issuer="i", audience="a"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        yield client


async def test_a_valid_token_reaches_the_route(
    client: httpx.AsyncClient, signer: TokenSigner
) -> None:
    token = signer.user_token(org_id=ORG, user_id=USER, org_role=OrgRole.AGENT)
    response = await client.get("/v1/whoami", headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json() == {"org_id": str(ORG), "subject": str(USER)}


async def test_no_token_is_401_with_a_bearer_challenge(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/whoami")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    body = ErrorBody.model_validate(response.json())
    assert (body.status, body.code) == (401, "unauthenticated")


@pytest.mark.parametrize("scheme", ["Basic dXNlcjpwYXNz", "Bearer", "Token abc"])
async def test_other_schemes_are_401(client: httpx.AsyncClient, scheme: str) -> None:
    response = await client.get("/v1/whoami", headers={"authorization": scheme})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_an_expired_token_is_401_invalid_token(
    client: httpx.AsyncClient, signer: TokenSigner
) -> None:
    claims = {"sub": str(USER), "org_id": str(ORG), "org_role": "agent"}
    token = signer.sign(claims, ttl_seconds=10, now=time.time() - 600)
    response = await client.get("/v1/whoami", headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert "expired" in ErrorBody.model_validate(response.json()).message


async def test_a_token_of_another_issuer_key_is_401(client: httpx.AsyncClient) -> None:
    stranger = TokenSigner(generate_signing_key(), issuer="i", audience="a")
    token = stranger.user_token(org_id=ORG, user_id=USER, org_role=OrgRole.ADMIN)
    response = await client.get("/v1/whoami", headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 401


async def test_unavailable_keys_are_503_not_a_pass(signer: TokenSigner) -> None:
    app = app_with(TokenVerifier(NoKeys(), issuer="i", audience="a"))  # type: ignore[arg-type]
    token = signer.user_token(org_id=ORG, user_id=USER, org_role=OrgRole.AGENT)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/v1/whoami", headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 503
    assert ErrorBody.model_validate(response.json()).code == "unavailable"


def test_the_openapi_document_declares_the_bearer_scheme(signer: TokenSigner) -> None:
    app = app_with(TokenVerifier(StaticKeys(signer.public_keys), issuer="i", audience="a"))
    schemes = app.openapi()["components"]["securitySchemes"]
    assert schemes["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": schemes["bearer"]["description"],
    }
