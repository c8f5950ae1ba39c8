"""console-svc configuration (environment prefix `SB_CONSOLE_`)."""

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from switchboard_platform.settings import ServiceSettings


class ConsoleSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SB_CONSOLE_", extra="ignore")

    access_url: str = Field(description="access-svc's base URL")
    channel_url: str = Field(description="channel-svc's base URL")
    conversation_url: str = Field(description="conversation-svc's base URL")
    public_url: str = Field(
        default="http://127.0.0.1:8000", description="Where browsers reach the console"
    )
    session_secret: SecretStr = Field(description="Signs the session cookie (32+ random bytes)")
    secure_cookies: bool = Field(
        default=True, description="Cookies only over https (turn off for local http only)"
    )
    session_max_age_seconds: int = Field(default=8 * 3600, gt=0)
    oidc_metadata_url: str = Field(
        description="The identity provider's OpenID Connect discovery document (`make up`: "
        "access-svc's development issuer); its access tokens are the JWTs the services verify"
    )
    oidc_client_id: str = Field(default="switchboard-console")
    oidc_client_secret: SecretStr | None = Field(
        default=None, description="Unset: a public client (PKCE only)"
    )
    live: bool = Field(
        default=True, description="Push conversations.v1 changes to open pages (SSE)"
    )
    host: str = "127.0.0.1"
    port: int = 8000
