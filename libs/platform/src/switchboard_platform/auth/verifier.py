"""A bearer token in, a verified `Principal` out.

Checks, in order: the token's shape and algorithm (asymmetric ones from the settings
only), its signature against the issuer's key named by `kid`, then `iss`, `aud`, `exp`
(required), `nbf` and `iat` (when present, with leeway), then the Switchboard claims.

A token verified once is not verified again for a while: a caller sends the same token
with every request, and the signature check was a fifth of a check's cost. The verdict is
kept until the token's `exp` and at most `remember_seconds` (a bound on how long a key
withdrawn from the issuer's set still vouches for tokens it signed). Only what the token
says is kept: what the caller may still do is their standing, read on every request.
"""

import time
from collections.abc import Callable

import httpx
from joserfc import jws, jwt
from joserfc.errors import ClaimError, ExpiredTokenError, JoseError
from joserfc.jwk import KeySet

from switchboard_platform.auth.claims import ClaimsError, Principal, principal_from_claims
from switchboard_platform.auth.keys import KeySource, RemoteKeys, StaticKeys, parse_jwks
from switchboard_platform.auth.settings import AuthSettings

MAX_TOKEN_LENGTH = 8192
REMEMBERED_TOKENS = 10_000


class InvalidTokenError(Exception):
    """The token must not be trusted; the message says why (safe to show the caller)."""


class TokenVerifier:
    def __init__(
        self,
        keys: KeySource,
        *,
        issuer: str,
        audience: str,
        algorithms: tuple[str, ...] = ("RS256", "ES256"),
        leeway_seconds: int = 30,
        clock: Callable[[], float] = time.time,
        remember_seconds: float = 60.0,
    ) -> None:
        self._keys = keys
        self._issuer = issuer
        self._audience = audience
        self._algorithms = algorithms
        self._leeway = leeway_seconds
        self._clock = clock
        self._remember = remember_seconds
        self._verified: dict[str, tuple[Principal, float]] = {}  # token -> (who, until)

    async def verify(self, token: str) -> Principal:
        """The caller's principal; `InvalidTokenError` for anything not to be trusted.

        `KeysUnavailableError` (from the key source) means nothing could be verified.
        """
        remembered = self._verified.get(token)
        if remembered is not None:
            if self._clock() < remembered[1]:
                return remembered[0]
            del self._verified[token]
        principal, expires_at = await self._verify(token)
        if self._remember > 0:
            if len(self._verified) >= REMEMBERED_TOKENS:
                self._verified.clear()
            self._verified[token] = (principal, min(expires_at, self._clock() + self._remember))
        return principal

    async def _verify(self, token: str) -> tuple[Principal, float]:
        if not token or len(token) > MAX_TOKEN_LENGTH:
            raise InvalidTokenError("the token is empty or too long")
        try:
            header = jws.extract_compact(token.encode()).headers()
        except (JoseError, ValueError) as exc:
            raise InvalidTokenError("the token is not a signed JWT") from exc
        if header.get("alg") not in self._algorithms:
            raise InvalidTokenError(f"the token's algorithm {header.get('alg')!r} is not accepted")
        kid = header.get("kid")
        keys = await self._keys.keys_for(kid if isinstance(kid, str) else None)
        try:
            decoded = jwt.decode(token, keys, algorithms=list(self._algorithms))
        except JoseError as exc:
            raise InvalidTokenError("the token's signature does not verify") from exc
        registry = jwt.JWTClaimsRegistry(
            now=int(self._clock()),
            leeway=self._leeway,
            iss={"essential": True, "value": self._issuer},
            aud={"essential": True, "value": self._audience},
            exp={"essential": True},
            sub={"essential": True},
        )
        try:
            registry.validate(decoded.claims)
        except ExpiredTokenError as exc:
            raise InvalidTokenError("the token has expired") from exc
        except ClaimError as exc:
            raise InvalidTokenError(f"claim {exc.claim}: {exc.description}") from exc
        except JoseError as exc:
            raise InvalidTokenError(f"the token's claims are not valid: {exc}") from exc
        try:
            principal = principal_from_claims(decoded.claims)
        except ClaimsError as exc:
            raise InvalidTokenError(str(exc)) from exc
        return principal, float(decoded.claims["exp"])

    async def aclose(self) -> None:
        await self._keys.aclose()


def build_verifier(
    settings: AuthSettings,
    *,
    keys: KeySet | None = None,
    http_client: httpx.AsyncClient | None = None,
) -> TokenVerifier:
    """The verifier the settings describe; `keys` (e.g. a local issuer's) win over both.

    `http_client` fetches the JWKS (one is made when not given; `aclose()` closes it).
    """
    source: KeySource
    if keys is not None:
        source = StaticKeys(keys)
    elif settings.jwks:
        source = StaticKeys(parse_jwks(settings.jwks))
    elif settings.jwks_url:
        source = RemoteKeys(
            settings.jwks_url,
            cache_seconds=settings.jwks_cache_seconds,
            min_refresh_seconds=settings.jwks_min_refresh_seconds,
            client=http_client,
        )
    else:
        raise ValueError("set AUTH_JWKS_URL or AUTH_JWKS: tokens cannot be verified without keys")
    return TokenVerifier(
        source,
        issuer=settings.issuer,
        audience=settings.audience,
        algorithms=settings.algorithms,
        leeway_seconds=settings.leeway_seconds,
    )
