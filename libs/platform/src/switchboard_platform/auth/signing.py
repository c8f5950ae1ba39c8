"""Making Switchboard tokens: what a development issuer and tests need.

Production tokens come from the organization's identity provider; this signer exists so
that local runs and tests get tokens the `TokenVerifier` accepts, made the same way.
"""

import json
import time
import uuid
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet, RSAKey, import_key

from switchboard_contracts.enums import OrgRole
from switchboard_platform.auth.claims import KIND_CLAIM, ORG_CLAIM, ORG_ROLE_CLAIM, TokenKind

SigningKey = ECKey | RSAKey
_ALGORITHM = {"EC": "ES256", "RSA": "RS256"}


def generate_signing_key() -> SigningKey:
    """A fresh P-256 key (ES256), its `kid` the RFC 7638 thumbprint."""
    return ECKey.generate_key("P-256", auto_kid=True)


def load_signing_key(text: str) -> SigningKey:
    """A private key from a JWK (JSON) or a PEM; EC P-256 (ES256) or RSA (RS256)."""
    stripped = text.strip()
    key: Any
    if stripped.startswith("{"):
        data = json.loads(stripped)
        kty = data.get("kty")
        if kty not in _ALGORITHM:
            raise ValueError("the signing key must be an EC or RSA JWK")
        key = import_key(data, kty)
    else:
        key = _import_pem(stripped)
    if not key.is_private:
        raise ValueError("the signing key must be a private key")
    key.ensure_kid()
    return key  # type: ignore[no-any-return]


def _import_pem(pem: str) -> SigningKey:
    errors = []
    for kty in ("EC", "RSA"):
        try:
            key: SigningKey = import_key(pem, kty)
        except (JoseError, ValueError, TypeError) as exc:
            errors.append(f"{kty}: {exc}")
            continue
        return key
    raise ValueError("the signing key is neither an EC nor an RSA PEM: " + "; ".join(errors))


class TokenSigner:
    def __init__(self, key: SigningKey, *, issuer: str, audience: str) -> None:
        self._key = key
        self._algorithm = _ALGORITHM[key.key_type]
        self.issuer = issuer
        self.audience = audience

    @property
    def public_keys(self) -> KeySet:
        return KeySet.import_key_set({"keys": [self.public_jwk()]})

    def public_jwk(self) -> dict[str, Any]:
        jwk = dict(self._key.as_dict(private=False))
        jwk.update(use="sig", alg=self._algorithm)
        return jwk

    def jwks(self) -> dict[str, Any]:
        """The document to serve at `/.well-known/jwks.json`."""
        return {"keys": [self.public_jwk()]}

    def user_token(
        self, *, org_id: uuid.UUID, user_id: uuid.UUID, org_role: OrgRole, ttl_seconds: int = 3600
    ) -> str:
        return self.sign(
            {
                "sub": str(user_id),
                ORG_CLAIM: str(org_id),
                ORG_ROLE_CLAIM: org_role.value,
                KIND_CLAIM: TokenKind.USER.value,
            },
            ttl_seconds=ttl_seconds,
        )

    def service_token(self, *, org_id: uuid.UUID, service: str, ttl_seconds: int = 3600) -> str:
        return self.sign(
            {"sub": service, ORG_CLAIM: str(org_id), KIND_CLAIM: TokenKind.SERVICE.value},
            ttl_seconds=ttl_seconds,
        )

    def sign(
        self, claims: dict[str, Any], *, ttl_seconds: int = 3600, now: float | None = None
    ) -> str:
        """Sign `claims` with `iss`, `aud`, `iat`, `exp` and `jti` added (claims may override)."""
        issued = int(time.time() if now is None else now)
        body = {
            "iss": self.issuer,
            "aud": self.audience,
            "iat": issued,
            "exp": issued + ttl_seconds,
            "jti": uuid.uuid4().hex,
            **claims,
        }
        header = {"alg": self._algorithm, "kid": self._key.kid}
        return jwt.encode(header, body, self._key, algorithms=[self._algorithm])
