"""Where tokens come from and what they must say (shared, unprefixed `AUTH_*` variables).

The defaults point at access-svc's development issuer on loopback, so a local stack works
as it is; production sets `AUTH_ISSUER`, `AUTH_AUDIENCE` and `AUTH_JWKS_URL` to its
identity provider. Without a reachable JWKS every token is refused (it fails closed).
"""

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCAL_ISSUER = "http://127.0.0.1:8001"
ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


class AuthSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    issuer: str = Field(
        default=LOCAL_ISSUER,
        validation_alias=AliasChoices("AUTH_ISSUER"),
        description="The `iss` every token must carry",
    )
    audience: str = Field(
        default="switchboard",
        validation_alias=AliasChoices("AUTH_AUDIENCE"),
        description="A value the token's `aud` must contain",
    )
    jwks_url: str | None = Field(
        default=f"{LOCAL_ISSUER}/.well-known/jwks.json",
        validation_alias=AliasChoices("AUTH_JWKS_URL"),
        description="The issuer's JWKS, fetched and cached",
    )
    jwks: str | None = Field(
        default=None,
        validation_alias=AliasChoices("AUTH_JWKS"),
        description="A JWKS as inline JSON; when set, `jwks_url` is not used",
    )
    algorithms: tuple[str, ...] = Field(
        default=("RS256", "ES256"),
        validation_alias=AliasChoices("AUTH_ALGORITHMS"),
        description="Accepted signature algorithms (asymmetric only: never `none` or HS*)",
    )
    leeway_seconds: int = Field(
        default=30, ge=0, le=300, validation_alias=AliasChoices("AUTH_LEEWAY_SECONDS")
    )
    jwks_cache_seconds: float = Field(
        default=300.0, gt=0, validation_alias=AliasChoices("AUTH_JWKS_CACHE_SECONDS")
    )
    jwks_min_refresh_seconds: float = Field(
        default=10.0,
        ge=0,
        validation_alias=AliasChoices("AUTH_JWKS_MIN_REFRESH_SECONDS"),
        description="At most one refetch per this interval for unknown `kid`s",
    )

    @field_validator("algorithms")
    @classmethod
    def _asymmetric_only(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        # A shared-secret algorithm would let anyone holding the public JWKS sign tokens.
        unknown = set(value) - ASYMMETRIC_ALGORITHMS
        if unknown or not value:
            raise ValueError(f"only asymmetric algorithms are accepted, not {sorted(unknown)}")
        return value
