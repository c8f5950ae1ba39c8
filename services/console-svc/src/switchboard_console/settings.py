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
    dev_sign_in: bool = Field(
        default=False,
        description="Sign in with access-svc's development issuer (local only, never in "
        "production)",
    )
    live: bool = Field(
        default=True, description="Push conversations.v1 changes to open pages (SSE)"
    )
    host: str = "127.0.0.1"
    port: int = 8000
