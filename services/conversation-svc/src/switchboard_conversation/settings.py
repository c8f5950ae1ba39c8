"""conversation-svc configuration (environment prefix `SB_CONVERSATION_`)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from switchboard_platform.auth.settings import AuthSettings
from switchboard_platform.settings import DatabaseSettings, ServiceSettings


class ConversationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SB_CONVERSATION_", extra="ignore")

    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    consumer_group: str = "conversation-svc"
    host: str = "127.0.0.1"
    port: int = 8004
    access_url: str = Field(
        default="http://127.0.0.1:8001", description="access-svc (the check API)"
    )
    service_token_url: str = Field(
        default="http://127.0.0.1:8001/v1/dev/tokens",
        description="Where service tokens per organization come from (locally: access-svc's "
        "development issuer)",
    )
    access_cache_seconds: float = Field(
        default=0.5,
        ge=0,
        lt=1,
        description="How long a check answer is reused; under a second so a revoked grant "
        "takes effect within one (access.v1 also drops the organization's answers)",
    )
    sweep_interval_seconds: float = Field(default=60.0, gt=0)
    sweep_batch_size: int = Field(default=500, gt=0)
    sweep_enabled: bool = True
    echo_hold_seconds: float = Field(
        default=900.0,
        gt=0,
        description="How long at most an echo of the account's own post is held, unseen, "
        "while a reply it may be awaits its result; then the sweep shows it as a post from "
        "the Twitter app",
    )
