"""OAuth endpoints on the API host: request and access tokens (OAuth 1.0a), token
invalidation, and the app-only bearer token (OAuth 2.0 client credentials)."""

import base64
import binascii
import hmac
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode

from fastapi import APIRouter, Request, Response

from switchboard_twitter_sim.domain import errors
from switchboard_twitter_sim.domain.oauth1 import OAuthError
from switchboard_twitter_sim.entrypoints.context import Context
from switchboard_twitter_sim.entrypoints.twitter_http import (
    V1User,
    rate_limit,
    signed_request,
    v1_auth_error,
)
from switchboard_twitter_sim.service_layer import oauth_flow

router = APIRouter(tags=["twitter: oauth"])
FORM = "application/x-www-form-urlencoded"


@router.post("/oauth/request_token", summary="Step 1: a request token, signed by the app alone")
async def request_token(request: Request, context: Context) -> Response:
    try:
        signed = await signed_request(request)
        context.authenticator.app_only(signed)
    except OAuthError as exc:
        raise v1_auth_error(exc) from None
    answer = oauth_flow.issue_request_token(
        context.world, signed, allowed_callbacks=context.settings.approved_callbacks()
    )
    return Response(urlencode(answer), media_type=FORM)


@router.post("/oauth/access_token", summary="Step 3: exchange the verifier for an access token")
async def access_token(request: Request, context: Context) -> Response:
    try:
        signed = await signed_request(request)
        token = context.authenticator.request_token(signed)
    except OAuthError as exc:
        raise v1_auth_error(exc) from None
    verifier = signed.get("oauth_verifier") or dict(signed.signed_params).get("oauth_verifier")
    answer = oauth_flow.exchange_verifier(context.world, token, verifier)
    return Response(urlencode(answer), media_type=FORM)


@router.post("/1.1/oauth/invalidate_token", summary="Revoke the calling access token")
async def invalidate_token(
    request: Request, response: Response, context: Context, token: V1User
) -> Any:
    rate_limit(request, response, context, "invalidate_token", token.user_id)
    return oauth_flow.invalidate(token)


@router.post("/oauth2/token", summary="The app-only bearer token (client credentials)")
async def bearer_token(request: Request, context: Context) -> Any:
    app = context.world.app
    key, secret = _basic_credentials(request.headers.get("authorization"))
    if not (
        hmac.compare_digest(key.encode(), app.consumer_key.encode())
        and hmac.compare_digest(secret.encode(), app.consumer_secret.encode())
    ):
        raise errors.v1_error(403, 99, "Unable to verify your credentials")
    form = parse_qs((await request.body()).decode(errors="replace"))
    if form.get("grant_type") != ["client_credentials"]:
        raise errors.v1_error(403, 170, "Missing required parameter: grant_type")
    return {"token_type": "bearer", "access_token": app.bearer_token}


def _basic_credentials(authorization: str | None) -> tuple[str, str]:
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        return "", ""
    try:
        key, _, secret = base64.b64decode(value, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    return unquote(key), unquote(secret)
