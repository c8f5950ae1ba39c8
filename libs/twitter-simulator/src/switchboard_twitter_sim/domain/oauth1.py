"""OAuth 1.0a request verification (RFC 5849, HMAC-SHA1), as Twitter checks every call.

Parsing follows authlib's own server (`authlib.oauth1.rfc5849`), so anything authlib's
clients sign verifies here; authlib's request wrapper is not used because it refuses
plain-http URLs other than loopback, and the simulator serves plain HTTP on any host.
"""

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.request import parse_http_list, parse_keqv_list

from authlib.common.urls import url_decode
from authlib.oauth1.rfc5849.signature import construct_base_string, hmac_sha1_signature
from authlib.oauth1.rfc5849.util import unescape

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
HMAC_SHA1 = "HMAC-SHA1"


class OAuthError(Exception):
    """A request that does not authenticate; `reason` says which check failed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class SignedRequest:
    method: str
    uri: str
    protocol: Mapping[str, str]  # the oauth_* parameters of the Authorization header
    signed_params: tuple[tuple[str, str], ...]  # everything the signature covers

    def get(self, name: str) -> str | None:
        return self.protocol.get(name)

    @property
    def consumer_key(self) -> str | None:
        return self.get("oauth_consumer_key")

    @property
    def token(self) -> str | None:
        return self.get("oauth_token")


def parse_signed_request(
    *, method: str, uri: str, authorization: str | None, content_type: str, body: bytes
) -> SignedRequest:
    if not authorization or not authorization.lower().startswith("oauth "):
        raise OAuthError("missing_authorization")
    try:
        items = parse_keqv_list(parse_http_list(authorization[len("oauth ") :]))
    except (IndexError, ValueError) as exc:
        raise OAuthError("malformed_authorization") from exc
    header = [(unescape(key), unescape(value)) for key, value in items.items()]
    query = uri.partition("?")[2]
    params: list[tuple[str, str]] = list(url_decode(query)) if query else []
    if body and FORM_CONTENT_TYPE in content_type:
        try:
            params.extend(url_decode(body.decode()))
        except (UnicodeDecodeError, ValueError) as exc:
            raise OAuthError("malformed_body") from exc
    protocol = {key: value for key, value in header if key.startswith("oauth_")}
    _check_body_hash(protocol.get("oauth_body_hash"), body)
    return SignedRequest(method.upper(), uri, protocol, (*params, *header))


def _check_body_hash(declared: str | None, body: bytes) -> None:
    """authlib signs a JSON body only with `force_include_body=True`, adding this hash
    (draft-eaton-oauth-bodyhash); when present, the body must match it."""
    if declared is None:
        return
    actual = base64.b64encode(hashlib.sha1(body).digest()).decode()  # noqa: S324 - the spec's
    if not hmac.compare_digest(actual.encode(), declared.encode()):
        raise OAuthError("invalid_body_hash")


def check_signature(request: SignedRequest, *, consumer_secret: str, token_secret: str) -> None:
    if request.get("oauth_signature_method") != HMAC_SHA1:
        raise OAuthError("unsupported_signature_method")
    signature = request.get("oauth_signature")
    if not signature:
        raise OAuthError("missing_signature")
    base = construct_base_string(request.method, request.uri, list(request.signed_params))
    expected = hmac_sha1_signature(base, consumer_secret, token_secret)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise OAuthError("invalid_signature")


class NonceGuard:
    """Refuses stale timestamps and reused nonces (a replayed signed request)."""

    def __init__(self, *, max_skew_seconds: int = 300) -> None:
        self.max_skew_seconds = max_skew_seconds
        self._seen: dict[tuple[str, str, str], int] = {}

    def check(self, request: SignedRequest, *, now: float) -> None:
        try:
            timestamp = int(request.get("oauth_timestamp") or "")
        except ValueError as exc:
            raise OAuthError("missing_timestamp") from exc
        if abs(now - timestamp) > self.max_skew_seconds:
            raise OAuthError("timestamp_out_of_bounds")
        nonce = request.get("oauth_nonce")
        if not nonce:
            raise OAuthError("missing_nonce")
        key = (request.consumer_key or "", request.token or "", nonce)
        if key in self._seen:
            raise OAuthError("nonce_reused")
        self._seen = {k: t for k, t in self._seen.items() if now - t <= self.max_skew_seconds}
        self._seen[key] = timestamp
