"""Who is calling: the app alone (request token), the app with a request token (access
token), the app as a user (every user-context call), or the app's bearer token."""

import hmac
import time

from switchboard_twitter_sim.domain.model import AccessToken, RequestToken
from switchboard_twitter_sim.domain.oauth1 import (
    NonceGuard,
    OAuthError,
    SignedRequest,
    check_signature,
)
from switchboard_twitter_sim.service_layer.world import World


class Authenticator:
    def __init__(self, world: World, guard: NonceGuard) -> None:
        self.world = world
        self.guard = guard

    def app_only(self, signed: SignedRequest) -> None:
        self._verify(signed, token_secret="")

    def request_token(self, signed: SignedRequest) -> RequestToken:
        token = self.world.request_tokens.get(signed.token or "")
        if token is None:
            raise OAuthError("invalid_token")
        self._verify(signed, token_secret=token.secret)
        return token

    def user(self, signed: SignedRequest) -> AccessToken:
        token = self.world.access_tokens.get(signed.token or "")
        if token is None or token.revoked:
            raise OAuthError("invalid_token")
        self._verify(signed, token_secret=token.secret)
        return token

    def bearer(self, authorization: str | None) -> None:
        scheme, _, value = (authorization or "").partition(" ")
        expected = self.world.app.bearer_token
        if scheme.lower() != "bearer" or not hmac.compare_digest(value.encode(), expected.encode()):
            raise OAuthError("invalid_bearer")

    def _verify(self, signed: SignedRequest, *, token_secret: str) -> None:
        app = self.world.app
        if not hmac.compare_digest((signed.consumer_key or "").encode(), app.consumer_key.encode()):
            raise OAuthError("unknown_consumer")
        check_signature(signed, consumer_secret=app.consumer_secret, token_secret=token_secret)
        # After the signature, so a forged request cannot burn a legitimate nonce. Real
        # time, not the simulator's clock: clients stamp requests with their own clocks.
        self.guard.check(signed, now=time.time())
