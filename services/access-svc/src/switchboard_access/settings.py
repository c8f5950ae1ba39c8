"""access-svc configuration (environment prefix `SB_ACCESS_`; shared names unprefixed)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from switchboard_platform.auth.settings import AuthSettings
from switchboard_platform.settings import DatabaseSettings, ServiceSettings


class AccessSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SB_ACCESS_", extra="ignore")

    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    consumer_group: str = "access-svc"
    host: str = "127.0.0.1"
    port: int = 8001
    # The development token issuer signs whatever token it is asked for: local runs and
    # tests only, OFF unless SB_ACCESS_DEV_ISSUER=true.
    dev_issuer: bool = Field(
        default=False,
        description="Serve POST /v1/dev/tokens and GET /.well-known/jwks.json",
    )
    dev_issuer_key: str | None = Field(
        default=None,
        description="The dev issuer's private key (EC P-256 or RSA, JWK JSON or PEM); unset: "
        "a new key at every start, so its tokens do not survive a restart",
    )
    dev_token_max_ttl_seconds: int = Field(default=24 * 3600, gt=0)
