"""The three-legged OAuth 1.0a flow ("Authorize app") and token lifetimes."""

from authlib.common.security import generate_token
from authlib.common.urls import add_params_to_uri

from switchboard_twitter_sim.domain import errors
from switchboard_twitter_sim.domain.model import AccessToken, RequestToken, User
from switchboard_twitter_sim.domain.oauth1 import SignedRequest
from switchboard_twitter_sim.service_layer.world import UnknownError, World

CALLBACK_NOT_APPROVED = (
    "Callback URL not approved for this client application. Approved callback URLs can be "
    "adjusted in your application settings"
)
INVALID_VERIFIER = "Error processing your OAuth request: Invalid oauth_verifier parameter"


def issue_request_token(
    world: World, signed: SignedRequest, *, allowed_callbacks: tuple[str, ...]
) -> dict[str, str]:
    callback = signed.get("oauth_callback")
    if not callback:
        raise errors.v1_error(400, 215, "Bad Authentication data.")
    if callback != "oob" and allowed_callbacks and not callback.startswith(allowed_callbacks):
        raise errors.v1_error(403, 415, CALLBACK_NOT_APPROVED)
    token = RequestToken(generate_token(27), generate_token(32), callback, world.clock.time())
    world.request_tokens[token.token] = token
    return {
        "oauth_token": token.token,
        "oauth_token_secret": token.secret,
        "oauth_callback_confirmed": "true",
    }


def pending_request_token(world: World, oauth_token: str) -> RequestToken:
    token = world.request_tokens.get(oauth_token)
    if token is None or token.verifier is not None:
        raise UnknownError("This page is no longer valid: the request token is unknown or used.")
    return token


def decide(world: World, token: RequestToken, approve_as: User | None) -> str:
    """The callback URL the browser is sent to: with a verifier, or with `denied=`."""
    if approve_as is None:
        del world.request_tokens[token.token]
        return str(add_params_to_uri(token.callback, [("denied", token.token)]))
    token.verifier, token.user_id = generate_token(32), approve_as.id
    world.approved_user_ids.add(approve_as.id)
    params = [("oauth_token", token.token), ("oauth_verifier", token.verifier)]
    return str(add_params_to_uri(token.callback, params))


def exchange_verifier(world: World, token: RequestToken, verifier: str | None) -> dict[str, str]:
    """Single use: the request token is gone afterwards, whatever the outcome."""
    del world.request_tokens[token.token]
    if token.verifier is None or token.user_id is None or verifier != token.verifier:
        raise errors.TwitterApiError(401, INVALID_VERIFIER, media_type="text/plain")
    user = world.users[token.user_id]
    access = issue_access_token(world, user)
    return {
        "oauth_token": access.token,
        "oauth_token_secret": access.secret,
        "user_id": user.id,
        "screen_name": user.screen_name,
    }


def issue_access_token(world: World, user: User) -> AccessToken:
    """Twitter hands the same live token to an app the user authorizes again."""
    existing = world.live_token_for(user.id)
    if existing is not None:
        return existing
    access = AccessToken(f"{user.id}-{generate_token(40)}", generate_token(45), user.id)
    world.access_tokens[access.token] = access
    world.approved_user_ids.add(user.id)
    return access


def invalidate(token: AccessToken) -> dict[str, str]:
    token.revoked = True
    return {"access_token": token.token}
