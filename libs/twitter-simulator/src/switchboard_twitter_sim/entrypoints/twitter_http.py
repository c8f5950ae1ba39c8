"""The Twitter-facing HTTP plumbing: reading OAuth-signed requests, applying rate limits,
and answering every failure in Twitter's own shapes (not Switchboard's)."""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.exceptions import HTTPException

from switchboard_twitter_sim.domain import errors
from switchboard_twitter_sim.domain.errors import TwitterApiError
from switchboard_twitter_sim.domain.model import AccessToken
from switchboard_twitter_sim.domain.oauth1 import OAuthError, SignedRequest, parse_signed_request
from switchboard_twitter_sim.entrypoints.context import Context, SimContext

TWITTER_PREFIXES = ("/2/", "/1.1/", "/oauth/", "/oauth2/")
_RATE_HEADERS = "rate_limit_headers"


async def signed_request(request: Request) -> SignedRequest:
    return parse_signed_request(
        method=request.method,
        uri=str(request.url),
        authorization=request.headers.get("authorization"),
        content_type=request.headers.get("content-type", ""),
        body=await request.body(),
    )


async def v2_user(request: Request, context: Context) -> AccessToken:
    """A user-context call to a v2 endpoint; any failure is v2's bare 401."""
    try:
        return context.authenticator.user(await signed_request(request))
    except OAuthError:
        raise errors.unauthorized() from None


async def v1_user(request: Request, context: Context) -> AccessToken:
    """A user-context call to a v1.1 endpoint: code 89 for a dead token, 32 otherwise."""
    try:
        return context.authenticator.user(await signed_request(request))
    except OAuthError as exc:
        raise v1_auth_error(exc) from None


def v1_auth_error(exc: OAuthError) -> TwitterApiError:
    if exc.reason == "invalid_token":
        return errors.invalid_or_expired_token()
    if exc.reason == "timestamp_out_of_bounds":
        return errors.v1_error(401, 135, "Timestamp out of bounds.")
    return errors.could_not_authenticate()


def app_only(request: Request, context: Context) -> None:
    try:
        context.authenticator.bearer(request.headers.get("authorization"))
    except OAuthError:
        raise errors.unauthorized() from None


# As dependencies they run before the body is validated: Twitter answers 401 first.
V2User = Annotated[AccessToken, Depends(v2_user)]
V1User = Annotated[AccessToken, Depends(v1_user)]
AppOnly = Depends(app_only)


def rate_limit(
    request: Request, response: Response, context: SimContext, endpoint: str, caller: str
) -> None:
    refusal = context.outage.refusal()
    if refusal == 429:  # noqa: PLR2004
        reset = int(context.world.clock.time() + context.outage.remaining()) + 1
        raise errors.too_many_requests(
            {
                "x-rate-limit-limit": "0",
                "x-rate-limit-remaining": "0",
                "x-rate-limit-reset": str(reset),
            }
        )
    if refusal is not None:
        raise errors.problem(refusal, "Service Unavailable", "Service Unavailable")
    decision = context.limiter.hit(endpoint, caller, now=context.world.clock.time())
    setattr(request.state, _RATE_HEADERS, decision.headers)
    if not decision.allowed:
        raise errors.too_many_requests(decision.headers)
    response.headers.update(decision.headers)


def to_response(request: Request, exc: TwitterApiError) -> Response:
    headers = {**getattr(request.state, _RATE_HEADERS, {}), **exc.headers}
    if isinstance(exc.body, str):
        return PlainTextResponse(exc.body, exc.status, headers=headers, media_type=exc.media_type)
    return JSONResponse(exc.body, exc.status, headers=headers, media_type=exc.media_type)


Handler = Callable[[Request, Any], Awaitable[Response]]


def install_twitter_errors(app: FastAPI) -> None:
    """Twitter's shapes on Twitter's paths; Switchboard's elsewhere (`/_sim`, health)."""
    platform_validation: Handler = app.exception_handlers[RequestValidationError]  # type: ignore[assignment]
    platform_http: Handler = app.exception_handlers[HTTPException]  # type: ignore[assignment]

    @app.exception_handler(TwitterApiError)
    async def _twitter(request: Request, exc: TwitterApiError) -> Response:
        return to_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        if not request.url.path.startswith(TWITTER_PREFIXES):
            return await platform_validation(request, exc)
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        field = ".".join(str(part) for part in first["loc"][1:]) or None
        return to_response(request, errors.invalid_request(str(first["msg"]), field))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        if not request.url.path.startswith(TWITTER_PREFIXES) or exc.status_code != 404:  # noqa: PLR2004
            return await platform_http(request, exc)
        return to_response(request, errors.v1_error(404, 34, "Sorry, that page does not exist."))
