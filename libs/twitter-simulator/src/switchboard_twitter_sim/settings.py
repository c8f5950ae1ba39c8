"""Simulator configuration: environment prefix `SB_TWITTER_SIM_` (command-line flags of
`python -m switchboard_twitter_sim` override them)."""

from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class SimulatorSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SB_TWITTER_SIM_", extra="ignore", populate_by_name=True
    )

    host: str = "127.0.0.1"
    port: int = 8010
    http_access_log: bool = True  # a line per request (SB_TWITTER_SIM_HTTP_ACCESS_LOG)
    # The one simulated Twitter app. The secret matches `make up`'s ingest-svc default.
    consumer_key: str = "local-dev-consumer-key"
    consumer_secret: SecretStr = SecretStr("local-dev-consumer-secret")
    bearer_token: SecretStr = SecretStr("AAAAAAAAAAAAAAAAAAAAAlocal-dev-bearer-token")
    app_id: str = "27493882"
    app_name: str = "Switchboard (local)"
    app_url: str = "https://github.com/switchboard"
    seed_accounts: str = Field(
        default="",
        description="Comma-separated handles to create at start, each `handle` or "
        "`handle:user_id`, e.g. `acme_support:1111111111111111111,jane`",
    )
    callback_urls: str = Field(
        default="", description="Comma-separated approved callback URL prefixes; empty: any"
    )
    require_https_webhooks: bool = False  # Twitter requires https without a port
    max_webhooks: int = 5
    self_serve_reply_rule: bool = True
    replay_hours: int = 24
    oauth_timestamp_skew_seconds: int = 300
    crc_timeout_seconds: float = 3.0
    delivery_timeout_seconds: float = 10.0
    retry_attempts: int = 3
    retry_backoff_seconds: float = 1.0
    delivery_concurrency: int = 1
    tweet_limit: int = 100
    tweet_window_seconds: int = 900
    dm_limit: int = 15
    dm_window_seconds: int = 900
    dm_daily_limit: int = 1440
    default_limit: int = 500
    default_window_seconds: int = 900
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", validation_alias=AliasChoices("LOG_LEVEL", "log_level")
    )
    log_format: Literal["json", "console"] = Field(
        default="json", validation_alias=AliasChoices("LOG_FORMAT", "log_format")
    )

    def seeds(self) -> list[tuple[str, str | None]]:
        pairs = [item.strip().partition(":") for item in self.seed_accounts.split(",")]
        return [(handle, user_id or None) for handle, _, user_id in pairs if handle]

    def approved_callbacks(self) -> tuple[str, ...]:
        return tuple(url.strip() for url in self.callback_urls.split(",") if url.strip())
