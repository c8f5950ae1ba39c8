"""The identity provider, through OpenID Connect (authlib's Starlette client): the
authorization code flow with PKCE, the ID token checked against the provider's keys and
the nonce. The access token it returns is what the services verify; the console keeps it
in the person's session and sends it with their calls."""

from dataclasses import dataclass
from typing import Any

from authlib.integrations.starlette_client import OAuth, StarletteOAuth2App
from starlette.requests import Request
from starlette.responses import Response

from switchboard_console.settings import ConsoleSettings


@dataclass(frozen=True)
class Signed:
    access_token: str
    org_id: str
    user_id: str
    org_role: str


class IdentityProvider:
    def __init__(self, settings: ConsoleSettings) -> None:
        oauth = OAuth()
        secret = settings.oidc_client_secret
        self._client: StarletteOAuth2App = oauth.register(
            "idp",
            server_metadata_url=settings.oidc_metadata_url,
            client_id=settings.oidc_client_id,
            client_secret=secret.get_secret_value() if secret else None,
            client_kwargs={"scope": "openid", "code_challenge_method": "S256"},
        )
        self._callback = f"{settings.public_url.rstrip('/')}/signin/callback"

    async def redirect(self, request: Request, login_hint: str | None = None) -> Response:
        extra: dict[str, Any] = {"login_hint": login_hint} if login_hint else {}
        response: Response = await self._client.authorize_redirect(request, self._callback, **extra)
        return response

    async def complete(self, request: Request) -> Signed:
        token: dict[str, Any] = await self._client.authorize_access_token(request)
        claims: dict[str, Any] = token["userinfo"]  # the verified ID token's claims
        return Signed(
            access_token=str(token["access_token"]),
            org_id=str(claims["org_id"]),
            user_id=str(claims["sub"]),
            org_role=str(claims.get("org_role", "agent")),
        )
