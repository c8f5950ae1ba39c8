"""channel-svc configuration (environment prefix `SB_CHANNEL_`; shared names unprefixed).

Secrets (the Twitter app's consumer secret, the credential encryption keys) are
`SecretStr`: they never show in a repr, a log line or an error.
"""

from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from switchboard_platform.auth.settings import AuthSettings
from switchboard_platform.settings import DatabaseSettings, ServiceSettings

LOCAL_TWITTER = "http://127.0.0.1:8010"


class ChannelSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SB_CHANNEL_", extra="ignore")

    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    consumer_group: str = "channel-svc"
    host: str = "127.0.0.1"
    port: int = 8002

    public_url: str = Field(
        default="http://127.0.0.1:8002",
        description="Where browsers reach this service: the OAuth callback is built on it",
    )
    access_url: str = Field(
        default="http://127.0.0.1:8001",
        description="access-svc's API (callers' standing, the channel selector)",
    )
    access_cache_seconds: float = Field(
        default=0.5,
        ge=0,
        lt=1,
        description="How long a caller's standing is reused; under a second so a deactivation "
        "or demotion takes effect within one",
    )
    # Twitter: the API, and the web host of the authorize page (the same for the simulator).
    twitter_api_url: str = LOCAL_TWITTER
    twitter_web_url: str = LOCAL_TWITTER
    consumer_key: str = "local-dev-consumer-key"
    consumer_secret: SecretStr = SecretStr("local-dev-consumer-secret")
    webhook_url: str | None = Field(
        default=None,
        description="The public Account Activity webhook (ingest-svc's /webhooks/twitter); "
        "unset: connected accounts are not subscribed",
    )
    credential_keys: SecretStr = Field(
        description="Fernet keys, comma-separated: the first encrypts, all decrypt (rotation)"
    )
    oauth_state_ttl_seconds: int = Field(default=600, gt=0)
    unsubscribe_interval_seconds: float = Field(
        default=30.0,
        gt=0,
        description="How often webhook unsubscriptions Twitter did not confirm at disconnect "
        "are looked at again",
    )
    unsubscribe_backoff_seconds: float = Field(
        default=30.0,
        ge=0,
        description="Wait before retrying a failed unsubscription; doubles per attempt, at "
        "most an hour",
    )
    twitter_timeout_seconds: float = Field(default=10.0, gt=0)

    # Outbound delivery.
    send_max_attempts: int = Field(
        default=5, ge=1, description="Sends tried on 5xx before giving up"
    )
    send_backoff_seconds: float = Field(default=0.5, ge=0)
    send_concurrency: int = Field(
        default=16,
        ge=1,
        le=100,
        description="Replies sent at the same time by one process, each to a different "
        "conversation (one conversation's replies go in order); a batch of this many is "
        "committed when its slowest send is done",
    )
    rate_limit_inline_wait_seconds: float = Field(
        default=60.0,
        ge=0,
        description="Longest wait for a rate-limit reset inside one delivery attempt (below "
        "the consumer's max.poll.interval); longer resets are waited out in slices",
    )
    reconcile: Literal["echoes", "none", "simulator"] = Field(
        default="echoes",
        description="How an interrupted send is checked: `echoes` looks for the account's "
        "echo of it on twitter.activity.v1 (waiting up to `reconcile_window_seconds`), and "
        "reports it failed (gave_up_retrying) when none came; `none` reports it failed at "
        "once; `simulator` asks the local simulator's control API what the account sent",
    )
    reconcile_window_seconds: float = Field(
        default=120.0,
        ge=0,
        description="`echoes`: how long an interrupted send waits for its echo (without "
        "sending) before it is reported failed; counted from the first look",
    )
    echo_retention_seconds: float = Field(
        default=3600.0,
        gt=0,
        description="How long the account's echoes are kept for reconciling (by their "
        "created_at); longer than the window plus a restart",
    )

    @model_validator(mode="after")
    def _echoes_outlive_the_window(self) -> Self:
        if self.echo_retention_seconds <= self.reconcile_window_seconds:
            raise ValueError("echo_retention_seconds must exceed reconcile_window_seconds")
        return self
