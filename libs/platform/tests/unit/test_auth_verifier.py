"""TokenVerifier: what a Switchboard token must be, and every way one is refused."""

import base64
import json
import time
import uuid

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet, OctKey

from switchboard_contracts.enums import OrgRole
from switchboard_platform.auth.claims import TokenKind
from switchboard_platform.auth.keys import StaticKeys
from switchboard_platform.auth.signing import TokenSigner, generate_signing_key
from switchboard_platform.auth.verifier import InvalidTokenError, TokenVerifier

pytestmark = pytest.mark.unit

ISSUER = "https://id.example.test"
AUDIENCE = "switchboard"
ORG = uuid.UUID("0b5b2c0e-98a4-4f57-9d3e-5c6f4f1a2b3c")
USER = uuid.UUID("6a1f7d0e-2b9c-4d8e-8f1a-0c2b3d4e5f60")


@pytest.fixture(scope="module")
def signer() -> TokenSigner:
    return TokenSigner(generate_signing_key(), issuer=ISSUER, audience=AUDIENCE)


@pytest.fixture(scope="module")
def verifier(signer: TokenSigner) -> TokenVerifier:
    return TokenVerifier(StaticKeys(signer.public_keys), issuer=ISSUER, audience=AUDIENCE)


def user_claims(**overrides: object) -> dict[str, object]:
    return {"sub": str(USER), "org_id": str(ORG), "org_role": "agent", **overrides}


async def refused(verifier: TokenVerifier, token: str) -> str:
    with pytest.raises(InvalidTokenError) as caught:
        await verifier.verify(token)
    return str(caught.value)


async def test_a_user_token_gives_its_organization_user_and_role(
    signer: TokenSigner, verifier: TokenVerifier
) -> None:
    token = signer.user_token(org_id=ORG, user_id=USER, org_role=OrgRole.ADMIN)
    principal = await verifier.verify(token)
    assert (principal.org_id, principal.user_id, principal.org_role) == (ORG, USER, OrgRole.ADMIN)
    assert principal.kind is TokenKind.USER
    assert principal.is_admin
    assert not principal.is_service


async def test_a_token_without_kind_is_a_user_token(
    signer: TokenSigner, verifier: TokenVerifier
) -> None:
    principal = await verifier.verify(signer.sign(user_claims()))
    assert principal.kind is TokenKind.USER
    assert principal.org_role is OrgRole.AGENT
    assert not principal.is_admin


async def test_a_service_token_names_the_service_and_has_no_user(
    signer: TokenSigner, verifier: TokenVerifier
) -> None:
    principal = await verifier.verify(signer.service_token(org_id=ORG, service="conversation-svc"))
    assert principal.is_service
    assert principal.subject == "conversation-svc"
    assert principal.user_id is None
    assert principal.org_role is None
    assert not principal.is_admin


async def test_a_service_token_claiming_admin_is_still_no_admin(
    signer: TokenSigner, verifier: TokenVerifier
) -> None:
    token = signer.sign({"sub": "svc", "org_id": str(ORG), "kind": "service", "org_role": "admin"})
    principal = await verifier.verify(token)
    assert not principal.is_admin


async def test_an_expired_token_is_refused(signer: TokenSigner, verifier: TokenVerifier) -> None:
    token = signer.sign(user_claims(), ttl_seconds=60, now=time.time() - 3600)
    assert "expired" in await refused(verifier, token)


async def test_expiry_within_the_leeway_is_tolerated(signer: TokenSigner) -> None:
    verifier = TokenVerifier(
        StaticKeys(signer.public_keys), issuer=ISSUER, audience=AUDIENCE, leeway_seconds=30
    )
    token = signer.sign(user_claims(), ttl_seconds=60, now=time.time() - 70)
    assert (await verifier.verify(token)).user_id == USER


async def test_a_token_signed_by_another_key_with_the_same_kid_is_refused(
    signer: TokenSigner, verifier: TokenVerifier
) -> None:
    kid = signer.public_jwk()["kid"]
    impostor_key = ECKey.generate_key("P-256", parameters={"kid": kid})
    impostor = TokenSigner(impostor_key, issuer=ISSUER, audience=AUDIENCE)
    token = impostor.sign(user_claims())
    assert json.loads(_segment(token, 0))["kid"] == signer.public_jwk()["kid"]
    assert "signature" in await refused(verifier, token)


async def test_a_token_from_an_unknown_key_is_refused(verifier: TokenVerifier) -> None:
    stranger = TokenSigner(generate_signing_key(), issuer=ISSUER, audience=AUDIENCE)
    await refused(verifier, stranger.sign(user_claims()))


async def test_a_tampered_payload_is_refused(signer: TokenSigner, verifier: TokenVerifier) -> None:
    header, _, signature = signer.sign(user_claims()).split(".")
    forged = _b64(json.dumps(user_claims(org_role="admin", exp=int(time.time()) + 60)))
    assert "signature" in await refused(verifier, f"{header}.{forged}.{signature}")


DROP = object()


@pytest.mark.parametrize(
    ("overrides", "mentions"),
    [
        ({"aud": "another-api"}, "aud"),
        ({"aud": DROP}, "aud"),
        ({"iss": "https://evil.example.test"}, "iss"),
        ({"iss": DROP}, "iss"),
        ({"exp": DROP}, "exp"),
        ({"exp": "tomorrow"}, "exp"),
        ({"nbf": int(time.time()) + 3600}, "nbf"),
        ({"iat": int(time.time()) + 3600}, "iat"),
        ({"org_id": DROP}, "org_id"),
        ({"org_id": "not-a-uuid"}, "org_id"),
        ({"sub": "alice"}, "sub"),
        ({"sub": DROP}, "sub"),
        ({"org_role": DROP}, "org_role"),
        ({"org_role": "owner"}, "org_role"),
        ({"kind": "robot"}, "kind"),
    ],
)
async def test_a_token_missing_or_misstating_a_claim_is_refused(
    signer: TokenSigner, verifier: TokenVerifier, overrides: dict[str, object], mentions: str
) -> None:
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "exp": int(time.time()) + 60,
        **user_claims(),
        **overrides,
    }
    token = _sign_exactly(signer, {k: v for k, v in claims.items() if v is not DROP})
    assert mentions in await refused(verifier, token)


async def test_an_audience_list_containing_ours_is_accepted(
    signer: TokenSigner, verifier: TokenVerifier
) -> None:
    token = signer.sign(user_claims(aud=["another-api", AUDIENCE]))
    assert (await verifier.verify(token)).org_id == ORG


async def test_an_unsigned_token_is_refused(verifier: TokenVerifier) -> None:
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}))
    payload = _b64(json.dumps(user_claims(exp=int(time.time()) + 60, iss=ISSUER, aud=AUDIENCE)))
    assert "algorithm" in await refused(verifier, f"{header}.{payload}.")


async def test_a_token_signed_with_the_public_key_as_a_shared_secret_is_refused(
    signer: TokenSigner, verifier: TokenVerifier
) -> None:
    # The classic algorithm confusion: HS256 keyed with the (public) JWKS.
    secret = OctKey.import_key(json.dumps(signer.jwks()).encode())
    claims = user_claims(exp=int(time.time()) + 60, iss=ISSUER, aud=AUDIENCE)
    token = jwt.encode({"alg": "HS256", "kid": signer.public_jwk()["kid"]}, claims, secret)
    assert "algorithm" in await refused(verifier, token)


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "x" * 9000])
async def test_garbage_is_refused(verifier: TokenVerifier, token: str) -> None:
    await refused(verifier, token)


def _sign_exactly(signer: TokenSigner, claims: dict[str, object]) -> str:
    key = signer._key
    return jwt.encode({"alg": "ES256", "kid": key.kid}, claims, key, algorithms=["ES256"])


def _segment(token: str, index: int) -> bytes:
    part = token.split(".")[index]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


class CountingKeys(StaticKeys):
    """The issuer's keys, counting the verifications that needed them; `withdraw()` takes
    the key out of the set, as an issuer rotating a compromised key would."""

    def __init__(self, signer: TokenSigner) -> None:
        super().__init__(signer.public_keys)
        self.asked = 0
        self.withdrawn = False

    async def keys_for(self, kid: str | None) -> KeySet:
        self.asked += 1
        if self.withdrawn:
            return KeySet([])
        return await super().keys_for(kid)


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


async def test_a_token_verified_once_is_not_verified_again_while_remembered(
    signer: TokenSigner,
) -> None:
    keys = CountingKeys(signer)
    verifier = TokenVerifier(keys, issuer=ISSUER, audience=AUDIENCE)
    token = signer.user_token(org_id=ORG, user_id=USER, org_role=OrgRole.AGENT)
    first, second = await verifier.verify(token), await verifier.verify(token)
    assert first == second
    assert keys.asked == 1
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert "signature" in await refused(verifier, tampered)  # only the very same token


async def test_a_remembered_token_is_refused_once_it_expires(signer: TokenSigner) -> None:
    clock = Clock()
    verifier = TokenVerifier(
        CountingKeys(signer), issuer=ISSUER, audience=AUDIENCE, leeway_seconds=0, clock=clock
    )
    token = signer.sign(user_claims(), ttl_seconds=30, now=clock.now)
    await verifier.verify(token)
    clock.now += 31
    assert "expired" in await refused(verifier, token)


async def test_a_withdrawn_key_stops_vouching_within_the_remembering_bound(
    signer: TokenSigner,
) -> None:
    clock, keys = Clock(), CountingKeys(signer)
    verifier = TokenVerifier(
        keys, issuer=ISSUER, audience=AUDIENCE, clock=clock, remember_seconds=60
    )
    token = signer.user_token(org_id=ORG, user_id=USER, org_role=OrgRole.AGENT)
    await verifier.verify(token)
    keys.withdrawn = True
    assert (await verifier.verify(token)).user_id == USER  # remembered
    clock.now += 61
    assert "signature" in await refused(verifier, token)
