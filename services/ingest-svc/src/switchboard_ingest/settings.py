"""ingest-svc configuration (environment prefix `SB_INGEST_`)."""

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from switchboard_platform.settings import ServiceSettings


class IngestSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SB_INGEST_", extra="ignore")

    twitter_consumer_secret: SecretStr = Field(
        description="The Twitter app's consumer secret: signs CRC answers, verifies deliveries"
    )
    max_body_bytes: int = Field(default=1024 * 1024, gt=0)
    publish_timeout_seconds: float = Field(
        default=2.0,
        gt=0,
        description="Longest wait for Kafka's acks before answering 503 (Twitter waits only "
        "a few seconds for an answer)",
    )
    kafka_probe_timeout_seconds: float = Field(
        default=2.0, gt=0, description="Bootstrap probe timeout while Kafka is unreachable"
    )
    host: str = "127.0.0.1"
    port: int = 8003
