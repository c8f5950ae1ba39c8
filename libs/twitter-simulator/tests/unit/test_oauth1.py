"""OAuth 1.0a verification agrees with authlib's client signing, and refuses forgeries."""

import time

import pytest
from authlib.oauth1 import ClientAuth

from switchboard_twitter_sim.domain.oauth1 import (
    NonceGuard,
    OAuthError,
    SignedRequest,
    check_signature,
    parse_signed_request,
)

pytestmark = pytest.mark.unit
URL = "https://api.twitter.test/2/tweets?probe=1"


def _signed(
    auth: ClientAuth, *, body: bytes = b"", content_type: str = "application/json"
) -> SignedRequest:
    headers = {"Content-Type": content_type}
    uri, signed_headers, signed_body = auth.prepare("POST", URL, headers, body)
    return parse_signed_request(
        method="POST",
        uri=uri,
        authorization=signed_headers["Authorization"],
        content_type=content_type,
        body=signed_body if isinstance(signed_body, bytes) else signed_body.encode(),
    )


def test_a_request_signed_by_authlib_verifies() -> None:
    auth = ClientAuth("key", "secret", token="tok", token_secret="tok-secret")
    signed = _signed(auth)
    check_signature(signed, consumer_secret="secret", token_secret="tok-secret")
    assert signed.consumer_key == "key"
    assert signed.token == "tok"


def test_form_body_parameters_are_part_of_the_signature() -> None:
    auth = ClientAuth("key", "secret")
    form = "application/x-www-form-urlencoded"
    signed = _signed(auth, body=b"status=hello+world", content_type=form)
    check_signature(signed, consumer_secret="secret", token_secret="")
    tampered = parse_signed_request(
        method="POST",
        uri=signed.uri,
        authorization=_header(signed),
        content_type=form,
        body=b"status=goodbye",
    )
    with pytest.raises(OAuthError, match="invalid_signature"):
        check_signature(tampered, consumer_secret="secret", token_secret="")


@pytest.mark.parametrize(
    ("consumer_secret", "token_secret"), [("wrong", "tok-secret"), ("secret", "wrong")]
)
def test_a_wrong_secret_fails(consumer_secret: str, token_secret: str) -> None:
    signed = _signed(ClientAuth("key", "secret", token="tok", token_secret="tok-secret"))
    with pytest.raises(OAuthError, match="invalid_signature"):
        check_signature(signed, consumer_secret=consumer_secret, token_secret=token_secret)


@pytest.mark.parametrize("authorization", [None, "Bearer abc", 'OAuth oauth_consumer_key"x'])
def test_missing_or_malformed_authorization_is_refused(authorization: str | None) -> None:
    with pytest.raises(OAuthError):
        parse_signed_request(
            method="GET", uri=URL, authorization=authorization, content_type="", body=b""
        )


def test_nonce_guard_refuses_replays_and_stale_timestamps() -> None:
    guard = NonceGuard(max_skew_seconds=300)
    signed = _signed(ClientAuth("key", "secret"))
    guard.check(signed, now=time.time())
    with pytest.raises(OAuthError, match="nonce_reused"):
        guard.check(signed, now=time.time())
    with pytest.raises(OAuthError, match="timestamp_out_of_bounds"):
        guard.check(_signed(ClientAuth("key", "secret")), now=time.time() + 3600)


def _header(signed: SignedRequest) -> str:
    from authlib.oauth1.rfc5849.util import escape  # noqa: PLC0415 - only this helper

    return "OAuth " + ", ".join(f'{k}="{escape(v)}"' for k, v in signed.protocol.items())


def test_a_json_body_signed_with_its_hash_must_match_it() -> None:
    auth = ClientAuth("key", "secret", token="tok", token_secret="ts", force_include_body=True)
    signed = _signed(auth, body=b'{"text":"hi"}')
    assert signed.get("oauth_body_hash")
    check_signature(signed, consumer_secret="secret", token_secret="ts")
    with pytest.raises(OAuthError, match="invalid_body_hash"):
        parse_signed_request(
            method="POST",
            uri=signed.uri,
            authorization=_header(signed),
            content_type="application/json",
            body=b'{"text":"tampered"}',
        )
