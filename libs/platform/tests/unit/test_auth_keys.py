"""The JWKS sources: inline, or fetched with caching, refresh on an unknown kid, and
rate-limited refetches (the issuer's HTTP endpoint is an in-process httpx transport)."""

import json
import uuid

import httpx
import pytest
from joserfc.jwk import RSAKey
from pydantic import ValidationError

from switchboard_platform.auth.keys import KeysUnavailableError, RemoteKeys, parse_jwks
from switchboard_platform.auth.settings import AuthSettings
from switchboard_platform.auth.signing import (
    TokenSigner,
    generate_signing_key,
    load_signing_key,
)
from switchboard_platform.auth.verifier import build_verifier

pytestmark = pytest.mark.unit

URL = "https://id.example.test/.well-known/jwks.json"


class Issuer:
    """An identity provider's JWKS endpoint whose keys can rotate and which can fail."""

    def __init__(self) -> None:
        self.signers = [TokenSigner(generate_signing_key(), issuer="i", audience="a")]
        self.fetches = 0
        self.failing = False

    def handle(self, request: httpx.Request) -> httpx.Response:
        assert request.url == URL
        self.fetches += 1
        if self.failing:
            return httpx.Response(503)
        return httpx.Response(200, json={"keys": [s.public_jwk() for s in self.signers]})

    def rotate(self) -> str:
        self.signers.append(TokenSigner(generate_signing_key(), issuer="i", audience="a"))
        return str(self.signers[-1].public_jwk()["kid"])

    def kid(self, index: int = 0) -> str:
        return str(self.signers[index].public_jwk()["kid"])


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def remote(issuer: Issuer, clock: Clock) -> RemoteKeys:
    client = httpx.AsyncClient(transport=httpx.MockTransport(issuer.handle))
    return RemoteKeys(URL, cache_seconds=300, min_refresh_seconds=10, client=client, clock=clock)


async def test_keys_are_fetched_once_and_cached() -> None:
    issuer, clock = Issuer(), Clock()
    keys = remote(issuer, clock)
    for _ in range(5):
        found = await keys.keys_for(issuer.kid())
        assert [key.kid for key in found] == [issuer.kid()]
    assert issuer.fetches == 1
    clock.now += 301
    await keys.keys_for(issuer.kid())
    assert issuer.fetches == 2
    await keys.aclose()


async def test_an_unknown_kid_fetches_again_so_rotated_keys_work() -> None:
    issuer, clock = Issuer(), Clock()
    keys = remote(issuer, clock)
    await keys.keys_for(issuer.kid())
    clock.now += 11
    new_kid = issuer.rotate()
    found = await keys.keys_for(new_kid)
    assert new_kid in {key.kid for key in found}
    assert issuer.fetches == 2
    await keys.aclose()


async def test_made_up_kids_cannot_hammer_the_issuer() -> None:
    issuer, clock = Issuer(), Clock()
    keys = remote(issuer, clock)
    for attempt in range(20):
        await keys.keys_for(f"made-up-{attempt}")
    assert issuer.fetches == 1
    clock.now += 10
    await keys.keys_for("made-up-again")
    assert issuer.fetches == 2
    await keys.aclose()


async def test_known_keys_keep_working_when_the_issuer_fails() -> None:
    issuer, clock = Issuer(), Clock()
    keys = remote(issuer, clock)
    await keys.keys_for(issuer.kid())
    issuer.failing = True
    clock.now += 400
    found = await keys.keys_for(issuer.kid())
    assert [key.kid for key in found] == [issuer.kid()]
    await keys.aclose()


async def test_no_keys_at_all_is_an_error_not_an_open_door() -> None:
    issuer, clock = Issuer(), Clock()
    issuer.failing = True
    keys = remote(issuer, clock)
    with pytest.raises(KeysUnavailableError):
        await keys.keys_for(None)
    with pytest.raises(KeysUnavailableError):  # and it does not retry at once
        await keys.keys_for(None)
    assert issuer.fetches == 1
    await keys.aclose()


async def test_a_verifier_from_settings_fetches_the_jwks_url() -> None:
    issuer = Issuer()
    signer = issuer.signers[0]
    verifier = build_verifier(
        AuthSettings(issuer="i", audience="a", jwks_url=URL, jwks=None),
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(issuer.handle)),
    )
    token = signer.service_token(org_id=uuid.uuid4(), service="svc")
    assert (await verifier.verify(token)).subject == "svc"
    await verifier.aclose()


def test_inline_jwks_wins_over_the_url_and_drops_encryption_keys() -> None:
    signer = TokenSigner(generate_signing_key(), issuer="i", audience="a")
    encryption = {**TokenSigner(generate_signing_key(), issuer="i", audience="a").public_jwk()}
    encryption["use"] = "enc"
    document = json.dumps({"keys": [signer.public_jwk(), encryption]})
    assert [key.kid for key in parse_jwks(document)] == [signer.public_jwk()["kid"]]
    verifier = build_verifier(AuthSettings(jwks=document, jwks_url=URL))
    assert verifier is not None


@pytest.mark.parametrize("document", ["[]", '{"keys": []}', '{"keys": [{"kty": "XYZ"}]}', "{}"])
def test_a_jwks_without_usable_keys_is_refused(document: str) -> None:
    with pytest.raises(ValueError, match="JWKS"):
        parse_jwks(document)


@pytest.mark.parametrize("algorithms", [("HS256",), ("none",), ()])
def test_settings_accept_only_asymmetric_algorithms(algorithms: tuple[str, ...]) -> None:
    with pytest.raises(ValidationError):
        AuthSettings(algorithms=algorithms)


def test_settings_come_from_the_shared_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTH_ISSUER", "https://id.example.test")
    monkeypatch.setenv("AUTH_AUDIENCE", "api")
    monkeypatch.setenv("AUTH_ALGORITHMS", '["RS256"]')
    settings = AuthSettings()
    assert (settings.issuer, settings.audience, settings.algorithms) == (
        "https://id.example.test",
        "api",
        ("RS256",),
    )


def test_signing_keys_load_from_pem_or_jwk_and_must_be_private() -> None:
    key = generate_signing_key()
    from_pem = load_signing_key(key.as_pem(private=True).decode())
    from_jwk = load_signing_key(json.dumps(key.as_dict(private=True)))
    assert from_pem.thumbprint() == from_jwk.thumbprint() == key.thumbprint()
    with pytest.raises(ValueError, match="private"):
        load_signing_key(json.dumps(key.as_dict(private=False)))
    rsa = RSAKey.generate_key(2048)
    from_rsa_pem = load_signing_key(rsa.as_pem(private=True).decode())
    signer = TokenSigner(from_rsa_pem, issuer="i", audience="a")
    assert (from_rsa_pem.key_type, signer.public_jwk()["alg"]) == ("RSA", "RS256")
    with pytest.raises(ValueError, match="PEM"):
        load_signing_key("not a key")
