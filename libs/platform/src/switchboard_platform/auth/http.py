"""The FastAPI side of identity: `install_auth(app, verifier)` once, then declare
`principal: CurrentPrincipal` on a route.

A missing or untrustworthy token answers 401 in the project's error shape with
`WWW-Authenticate: Bearer` (RFC 6750); keys that cannot be fetched answer 503.
"""

from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException

from switchboard_platform.auth.claims import Principal
from switchboard_platform.auth.keys import KeysUnavailableError
from switchboard_platform.auth.verifier import InvalidTokenError, TokenVerifier
from switchboard_platform.http.errors import ApiError
from switchboard_platform.logs import get_logger

log = get_logger(__name__)

bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    bearerFormat="JWT",
    description="A JWT from the organization's identity provider (or the development issuer)",
)


def install_auth(app: FastAPI, verifier: TokenVerifier) -> None:
    app.state.token_verifier = verifier


def _verifier(request: Request) -> TokenVerifier:
    verifier = getattr(request.app.state, "token_verifier", None)
    if not isinstance(verifier, TokenVerifier):
        raise TypeError("install_auth(app, verifier) was not called")
    return verifier


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(
            401, "A bearer token is required.", headers={"WWW-Authenticate": "Bearer"}
        )
    try:
        return await _verifier(request).verify(credentials.credentials)
    except InvalidTokenError as exc:
        log.info("token refused", reason=str(exc), path=request.url.path)
        raise HTTPException(
            401,
            f"The bearer token is not valid: {exc}.",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        ) from None
    except KeysUnavailableError:
        log.exception("no keys to verify tokens with")
        raise ApiError(503, "Tokens cannot be verified right now; try again shortly.") from None


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def bearer_header(token: str) -> dict[str, str]:
    """The header that carries `token` on a call to another service (or to Twitter)."""
    return {"authorization": f"Bearer {token}"}
