"""The development issuer as an OpenID Connect provider (authorization code flow, PKCE),
so the console signs people in locally exactly as it does against a real identity provider.

Mounted with the development issuer only (`SB_ACCESS_DEV_ISSUER=true`), never in
production. Its "sign-in page" asks for the organization, the user and the role an
identity provider would assert, and believes them; codes live in this process's memory
for a minute and are good once. The access token is the issuer's user token (what every
service verifies); the ID token is for the client (`aud` = its client id).
"""

import base64
import hashlib
import html
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from switchboard_contracts.enums import OrgRole
from switchboard_platform.auth.signing import TokenSigner
from switchboard_platform.http.errors import ApiError

CODE_SECONDS = 60
TOKEN_SECONDS = 8 * 3600
Text = Annotated[str, Query(max_length=2000)]


@dataclass(frozen=True)
class Grant:
    client_id: str
    redirect_uri: str
    nonce: str | None
    code_challenge: str | None
    org_id: uuid.UUID
    user_id: uuid.UUID
    org_role: OrgRole
    expires: float


def _oauth_error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


def _pkce_matches(challenge: str, verifier: str) -> bool:
    digest = hashlib.sha256(verifier.encode()).digest()
    computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return secrets.compare_digest(computed, challenge)


def dev_oidc_router(signer: TokenSigner) -> APIRouter:  # noqa: C901 - one small provider
    router = APIRouter(include_in_schema=False)
    codes: dict[str, Grant] = {}
    issuer = signer.issuer.rstrip("/")

    @router.get("/.well-known/openid-configuration")
    async def discovery() -> dict[str, object]:
        return {
            "issuer": signer.issuer,
            "authorization_endpoint": f"{issuer}/v1/dev/oidc/authorize",
            "token_endpoint": f"{issuer}/v1/dev/oidc/token",
            "jwks_uri": f"{issuer}/.well-known/jwks.json",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["ES256", "RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": [
                "client_secret_post",
                "client_secret_basic",
                "none",
            ],
            "scopes_supported": ["openid"],
        }

    @router.get("/v1/dev/oidc/authorize")
    async def authorize(
        request: Request,
        client_id: Text,
        redirect_uri: Text,
        response_type: Text = "code",
    ) -> HTMLResponse:
        """The provider's sign-in page; every parameter travels on to `approve` (state too)."""
        if response_type != "code" or not redirect_uri.startswith(("http://", "https://")):
            raise ApiError(400, "only the authorization code flow, to an http(s) redirect")
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in request.query_params.items()
            if k != "login_hint"
        )
        # `login_hint` "<organization id>:<user id>" fills the form (the console sends it
        # after creating an organization's first admin).
        org, _, user = request.query_params.get("login_hint", "").partition(":")
        org, user = _uuid_or_new(org), _uuid_or_new(user)
        return HTMLResponse(
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<title>Development identity provider</title></head><body><main>"
            "<h1>Development identity provider</h1>"
            f"<p>Signing in to <strong>{html.escape(client_id)}</strong>. Local stacks only: "
            "whatever you assert here is believed.</p>"
            f'<form method="get" action="/v1/dev/oidc/approve">{hidden}'
            '<p><label for="org_id">Organization id</label><br>'
            f'<input id="org_id" name="org_id" size="40" value="{org}" required></p>'
            '<p><label for="user_id">User id</label><br>'
            f'<input id="user_id" name="user_id" size="40" value="{user}" required></p>'
            '<p><label for="org_role">Role</label><br><select id="org_role" name="org_role">'
            '<option value="agent">agent</option><option value="admin">admin</option>'
            "</select></p><p><button type='submit'>Sign in</button></p></form>"
            "</main></body></html>"
        )

    @router.get("/v1/dev/oidc/approve")
    async def approve(  # noqa: PLR0917 - the authorization request's parameters
        client_id: Text,
        redirect_uri: Text,
        org_id: uuid.UUID,
        user_id: uuid.UUID,
        org_role: OrgRole = OrgRole.AGENT,
        state: Text = "",
        nonce: Text | None = None,
        code_challenge: Text | None = None,
        code_challenge_method: Text | None = None,
    ) -> RedirectResponse:
        if code_challenge is not None and code_challenge_method not in (None, "S256"):
            raise ApiError(400, "PKCE: S256 only", field="code_challenge_method")
        now = time.monotonic()
        for expired in [c for c, g in codes.items() if g.expires < now]:
            del codes[expired]
        code = secrets.token_urlsafe(32)
        codes[code] = Grant(
            client_id,
            redirect_uri,
            nonce,
            code_challenge,
            org_id,
            user_id,
            org_role,
            now + CODE_SECONDS,
        )
        query = urlencode({"code": code, **({"state": state} if state else {})})
        separator = "&" if "?" in redirect_uri else "?"
        return RedirectResponse(f"{redirect_uri}{separator}{query}", status_code=302)

    @router.post("/v1/dev/oidc/token")
    async def token(request: Request) -> JSONResponse:
        form = await request.form()
        code = str(form.get("code", ""))
        grant = codes.pop(code, None)  # good once
        if form.get("grant_type") != "authorization_code":
            return _oauth_error(400, "unsupported_grant_type", "authorization_code only")
        if grant is None or grant.expires < time.monotonic():
            return _oauth_error(400, "invalid_grant", "unknown, used or expired code")
        client_id = str(form.get("client_id") or _basic_client(request) or "")
        if client_id != grant.client_id or form.get("redirect_uri") != grant.redirect_uri:
            return _oauth_error(400, "invalid_grant", "another client or redirect_uri")
        if grant.code_challenge is not None and not _pkce_matches(
            grant.code_challenge, str(form.get("code_verifier", ""))
        ):
            return _oauth_error(400, "invalid_grant", "PKCE verifier does not match")
        access = signer.user_token(
            org_id=grant.org_id,
            user_id=grant.user_id,
            org_role=grant.org_role,
            ttl_seconds=TOKEN_SECONDS,
        )
        identity = signer.sign(
            {
                "sub": str(grant.user_id),
                "aud": grant.client_id,
                "org_id": str(grant.org_id),
                "org_role": grant.org_role.value,
                **({"nonce": grant.nonce} if grant.nonce else {}),
            },
            ttl_seconds=TOKEN_SECONDS,
        )
        return JSONResponse(
            {
                "access_token": access,
                "id_token": identity,
                "token_type": "Bearer",
                "expires_in": TOKEN_SECONDS,
            },
            headers={"cache-control": "no-store"},
        )

    return router


def _basic_client(request: Request) -> str | None:
    """The client id of `Authorization: Basic` (client_secret_basic)."""
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:]).decode()
    except ValueError:
        return None
    return decoded.split(":", 1)[0] or None


def _uuid_or_new(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return str(uuid.uuid4())
