"""conversation-svc configuration (environment prefix `SB_CONVERSATION_`)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from switchboard_platform.settings import DatabaseSettings, ServiceSettings


class ConversationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SB_CONVERSATION_", extra="ignore")

    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    consumer_group: str = "conversation-svc"
    host: str = "127.0.0.1"
    port: int = 8004
