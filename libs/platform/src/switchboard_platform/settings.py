"""Settings every service shares. A service subclasses `ServiceSettings` with its own
environment prefix (e.g. `SB_INGEST_`); the infrastructure names below stay unprefixed
so one environment can serve all services.
"""

from enum import StrEnum
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class KafkaSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    bootstrap_servers: str = Field(
        default="127.0.0.1:9092", validation_alias=AliasChoices("KAFKA_BOOTSTRAP_SERVERS")
    )
    topic_prefix: str = Field(
        default="",
        validation_alias=AliasChoices("KAFKA_TOPIC_PREFIX"),
        description="Namespace prepended to every topic name (isolates test runs)",
    )
    request_timeout_ms: int = Field(
        default=15_000,
        gt=0,
        validation_alias=AliasChoices("KAFKA_REQUEST_TIMEOUT_MS"),
        description="How long a Kafka request, and a record waiting for a partition's "
        "leader, may take before it fails",
    )


class TracingSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    otlp_endpoint: str | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"
        ),
        description="Where spans go (OTLP over HTTP); tracing is off when unset",
    )
    sdk_disabled: bool = Field(default=False, validation_alias=AliasChoices("OTEL_SDK_DISABLED"))

    @property
    def enabled(self) -> bool:
        return self.otlp_endpoint is not None and not self.sdk_disabled


class Role(StrEnum):
    """What a service process does: everything (one process, as locally), or one side of
    it, so that API and worker pods scale apart (CPU and consumer lag)."""

    ALL = "all"
    API = "api"  # HTTP only: what it changes leaves through the outbox, relayed by workers
    WORKER = "worker"  # consumers, the outbox relay, periodic work; HTTP for probes
    RELAY = "relay"  # the outbox relay alone (a standby beside the workers'); HTTP for probes

    @property
    def consumes(self) -> bool:
        """Consumers and periodic work."""
        return self in (Role.ALL, Role.WORKER)

    @property
    def relays(self) -> bool:
        return self is not Role.API


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    tracing: TracingSettings = Field(default_factory=TracingSettings)
    role: Role = Field(default=Role.ALL, validation_alias=AliasChoices("SERVICE_ROLE"))
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", validation_alias=AliasChoices("LOG_LEVEL")
    )
    log_format: Literal["json", "console"] = Field(
        default="json", validation_alias=AliasChoices("LOG_FORMAT")
    )
    http_access_log: bool = Field(
        default=True,
        validation_alias=AliasChoices("HTTP_ACCESS_LOG"),
        description="A log line per HTTP request (uvicorn's access log)",
    )


class DatabaseSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    url: str = Field(validation_alias=AliasChoices("DATABASE_URL"))
    pool_size: int = Field(default=5, validation_alias=AliasChoices("DATABASE_POOL_SIZE"))
