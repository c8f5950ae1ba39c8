"""How a test's Switchboard is wired: each service's settings (who it talks to, where, with
which keys), all on 127.0.0.1. One place for both ways tests run the whole system: as
containers (`switchboard_testcontainers.Switchboard`) and as processes
(`switchboard_testing.system.running_system`)."""

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass

# The one simulated Twitter app: channel-svc signs with it, ingest-svc verifies with it.
CONSUMER_KEY = "test-consumer-key"
CONSUMER_SECRET = "test-consumer-secret"  # noqa: S105 - a test-only app secret
SERVICES = ("access", "channel", "conversation", "ingest")


@dataclass(frozen=True)
class SwitchboardUrls:
    access: str
    channel: str
    conversation: str
    ingest: str
    twitter: str

    @classmethod
    def on_loopback(cls, ports: Mapping[str, int]) -> "SwitchboardUrls":
        """From the ports of the four services and of `twitter` (the simulator)."""
        return cls(**{name: f"http://127.0.0.1:{ports[name]}" for name in (*SERVICES, "twitter")})


def fernet_key() -> str:
    """A new Fernet key (channel-svc's credential encryption): 32 random bytes, base64."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def environments(
    *,
    ports: Mapping[str, int],
    kafka_bootstrap_servers: str,
    topic_prefix: str,
    database_urls: Mapping[str, str],
    consumer_group: str,
    sweep_enabled: bool,
    otlp_endpoint: str | None = None,
) -> dict[str, dict[str, str]]:
    """The environment of `access`, `channel`, `conversation`, `ingest` and `twitter`, given
    their ports, the databases of the first three, and a prefix unique to this system for
    the consumer groups. With `otlp_endpoint`, the services export their traces there.
    With a `console` port, the web console's too, and Twitter's OAuth callback comes back
    through it (as in `make up`)."""
    url = SwitchboardUrls.on_loopback(ports)
    console = f"http://127.0.0.1:{ports['console']}" if "console" in ports else None
    common = {
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
        "KAFKA_TOPIC_PREFIX": topic_prefix,
        "LOG_FORMAT": "json",
        "AUTH_ISSUER": url.access,
        "AUTH_JWKS_URL": f"{url.access}/.well-known/jwks.json",
    }
    if otlp_endpoint is not None:
        # Exported every 100 ms rather than 5 s, so a test sees a trace soon after the fact.
        common |= {"OTEL_EXPORTER_OTLP_ENDPOINT": otlp_endpoint, "OTEL_BSP_SCHEDULE_DELAY": "100"}
    environments = {
        "access": {
            **common,
            "DATABASE_URL": database_urls["access"],
            "SB_ACCESS_PORT": str(ports["access"]),
            "SB_ACCESS_CONSUMER_GROUP": f"{consumer_group}-access",
            # No key: the development issuer makes one at start (tokens die with it).
            "SB_ACCESS_DEV_ISSUER": "true",
        },
        "channel": {
            **common,
            "DATABASE_URL": database_urls["channel"],
            "SB_CHANNEL_PORT": str(ports["channel"]),
            "SB_CHANNEL_CONSUMER_GROUP": f"{consumer_group}-channel",
            "SB_CHANNEL_CREDENTIAL_KEYS": fernet_key(),
            "SB_CHANNEL_PUBLIC_URL": console or url.channel,
            "SB_CHANNEL_ACCESS_URL": url.access,
            "SB_CHANNEL_TWITTER_API_URL": url.twitter,
            "SB_CHANNEL_TWITTER_WEB_URL": url.twitter,
            "SB_CHANNEL_CONSUMER_KEY": CONSUMER_KEY,
            "SB_CHANNEL_CONSUMER_SECRET": CONSUMER_SECRET,
            "SB_CHANNEL_WEBHOOK_URL": f"{url.ingest}/webhooks/twitter",
            "SB_CHANNEL_RECONCILE": "simulator",
        },
        "conversation": {
            **common,
            "DATABASE_URL": database_urls["conversation"],
            "SB_CONVERSATION_PORT": str(ports["conversation"]),
            "SB_CONVERSATION_CONSUMER_GROUP": f"{consumer_group}-conversation",
            "SB_CONVERSATION_ACCESS_URL": url.access,
            "SB_CONVERSATION_SERVICE_TOKEN_URL": f"{url.access}/v1/dev/tokens",
            "SB_CONVERSATION_SWEEP_ENABLED": str(sweep_enabled).lower(),
        },
        "ingest": {
            **common,
            "SB_INGEST_PORT": str(ports["ingest"]),
            "SB_INGEST_TWITTER_CONSUMER_SECRET": CONSUMER_SECRET,
        },
        "twitter": {
            "LOG_FORMAT": "json",
            "SB_TWITTER_SIM_PORT": str(ports["twitter"]),
            "SB_TWITTER_SIM_CONSUMER_KEY": CONSUMER_KEY,
            "SB_TWITTER_SIM_CONSUMER_SECRET": CONSUMER_SECRET,
        },
    }
    if console is not None:
        environments["console"] = {
            **common,
            "SB_CONSOLE_PORT": str(ports["console"]),
            "SB_CONSOLE_ACCESS_URL": url.access,
            "SB_CONSOLE_CHANNEL_URL": url.channel,
            "SB_CONSOLE_CONVERSATION_URL": url.conversation,
            "SB_CONSOLE_PUBLIC_URL": console,
            "SB_CONSOLE_SESSION_SECRET": fernet_key(),
            "SB_CONSOLE_SECURE_COOKIES": "false",
            "SB_CONSOLE_OIDC_METADATA_URL": f"{url.access}/.well-known/openid-configuration",
        }
    return environments
