"""The whole system as separate processes, as in production: the four services and the
Twitter simulator, wired as `scripts/stack.sh` wires a local stack, but isolated for tests:
free ports, a topic prefix, fresh databases, unique consumer groups, fresh keys.

    with running_system(kafka_bootstrap_servers=..., topic_prefix=..., database_server_url=...,
                        log_dir=...) as system:
        system.access.base_url, system.twitter.base_url, ...
"""

import base64
import os
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from switchboard_testing import databases
from switchboard_testing.processes import (
    RunningService,
    free_port,
    run_once,
    start_process,
    wait_ready,
)

# The one simulated Twitter app: channel-svc signs with it, ingest-svc verifies with it.
CONSUMER_KEY = "e2e-consumer-key"
CONSUMER_SECRET = "e2e-consumer-secret"  # noqa: S105 - a test-only app secret


@dataclass(frozen=True)
class System:
    access: RunningService
    channel: RunningService
    conversation: RunningService
    ingest: RunningService
    twitter: RunningService
    console: RunningService
    kafka_bootstrap_servers: str
    topic_prefix: str
    # Each service's database (access, channel, conversation), for benchmarks that seed rows.
    database_urls: dict[str, str] = field(default_factory=dict)

    @property
    def services(self) -> tuple[RunningService, ...]:
        return (
            self.access,
            self.channel,
            self.conversation,
            self.ingest,
            self.twitter,
            self.console,
        )

    def logs(self, lines: int = 40) -> str:
        """Every process's last log lines (for a failing test's report)."""
        return "\n".join(f"--- {s.name}\n{s.log_tail(lines)}" for s in self.services)


def _fernet_key() -> str:
    """A new Fernet key: 32 random bytes, URL-safe base64."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


@contextmanager
def running_system(
    *,
    kafka_bootstrap_servers: str,
    topic_prefix: str,
    database_server_url: str,
    log_dir: Path,
    sweep_enabled: bool = True,
    otlp_endpoint: str | None = None,
) -> Iterator[System]:
    """Migrate fresh databases, start the six processes together, wait until all are ready;
    on exit stop them in the safe order (the edge first, access-svc and Twitter last) and
    drop the databases. With `otlp_endpoint`, the services export their traces there."""
    names = ("access", "channel", "conversation", "ingest", "sim", "console")
    ports = {name: free_port() for name in names}
    url = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    group = uuid.uuid4().hex[:8]
    dbs = {name: databases.create_database(database_server_url) for name in ("a", "ch", "co")}
    common = {
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
        "KAFKA_TOPIC_PREFIX": topic_prefix,
        "LOG_FORMAT": "json",
        "AUTH_ISSUER": url["access"],
        "AUTH_JWKS_URL": f"{url['access']}/.well-known/jwks.json",
    }
    if otlp_endpoint is not None:
        # Exported every 100 ms rather than 5 s, so a test sees a trace soon after the fact.
        common |= {"OTEL_EXPORTER_OTLP_ENDPOINT": otlp_endpoint, "OTEL_BSP_SCHEDULE_DELAY": "100"}
    env = {
        "access": {
            **common,
            "DATABASE_URL": dbs["a"],
            "SB_ACCESS_PORT": str(ports["access"]),
            "SB_ACCESS_CONSUMER_GROUP": f"e2e-access-{group}",
            "SB_ACCESS_DEV_ISSUER": "true",
            # No key: the development issuer makes one at start (tokens die with it).
        },
        "channel": {
            **common,
            "DATABASE_URL": dbs["ch"],
            "SB_CHANNEL_PORT": str(ports["channel"]),
            "SB_CHANNEL_CONSUMER_GROUP": f"e2e-channel-{group}",
            "SB_CHANNEL_CREDENTIAL_KEYS": _fernet_key(),
            # Twitter's OAuth callback comes back through the console, as in `make up`.
            "SB_CHANNEL_PUBLIC_URL": url["console"],
            "SB_CHANNEL_ACCESS_URL": url["access"],
            "SB_CHANNEL_TWITTER_API_URL": url["sim"],
            "SB_CHANNEL_TWITTER_WEB_URL": url["sim"],
            "SB_CHANNEL_CONSUMER_KEY": CONSUMER_KEY,
            "SB_CHANNEL_CONSUMER_SECRET": CONSUMER_SECRET,
            "SB_CHANNEL_WEBHOOK_URL": f"{url['ingest']}/webhooks/twitter",
            "SB_CHANNEL_RECONCILE": "simulator",
        },
        "conversation": {
            **common,
            "DATABASE_URL": dbs["co"],
            "SB_CONVERSATION_PORT": str(ports["conversation"]),
            "SB_CONVERSATION_CONSUMER_GROUP": f"e2e-conversation-{group}",
            "SB_CONVERSATION_ACCESS_URL": url["access"],
            "SB_CONVERSATION_SERVICE_TOKEN_URL": f"{url['access']}/v1/dev/tokens",
            "SB_CONVERSATION_SWEEP_ENABLED": str(sweep_enabled).lower(),
        },
        "ingest": {
            **common,
            "SB_INGEST_PORT": str(ports["ingest"]),
            "SB_INGEST_TWITTER_CONSUMER_SECRET": CONSUMER_SECRET,
        },
        "console": {
            **common,
            "SB_CONSOLE_PORT": str(ports["console"]),
            "SB_CONSOLE_ACCESS_URL": url["access"],
            "SB_CONSOLE_CHANNEL_URL": url["channel"],
            "SB_CONSOLE_CONVERSATION_URL": url["conversation"],
            "SB_CONSOLE_PUBLIC_URL": url["console"],
            "SB_CONSOLE_SESSION_SECRET": _fernet_key(),
            "SB_CONSOLE_SECURE_COOKIES": "false",
            "SB_CONSOLE_OIDC_METADATA_URL": f"{url['access']}/.well-known/openid-configuration",
        },
        "sim": {
            "LOG_FORMAT": "json",
            "SB_TWITTER_SIM_PORT": str(ports["sim"]),
            "SB_TWITTER_SIM_CONSUMER_KEY": CONSUMER_KEY,
            "SB_TWITTER_SIM_CONSUMER_SECRET": CONSUMER_SECRET,
        },
    }
    try:
        with ThreadPoolExecutor(3) as pool:  # the three migrations at once
            migrations = [
                pool.submit(run_once, module, "migrate", env=env[name])
                for name, module in (
                    ("access", "switchboard_access"),
                    ("channel", "switchboard_channel"),
                    ("conversation", "switchboard_conversation"),
                )
            ]
            for migration in migrations:
                migration.result()
        with ExitStack() as stack:
            started: dict[str, RunningService] = {}
            for name, service, module, args in (
                ("sim", "twitter-sim", "switchboard_twitter_sim", ()),
                ("access", "access-svc", "switchboard_access", ("serve",)),
                ("channel", "channel-svc", "switchboard_channel", ("serve",)),
                ("conversation", "conversation-svc", "switchboard_conversation", ("serve",)),
                ("ingest", "ingest-svc", "switchboard_ingest", ()),
                ("console", "console-svc", "switchboard_console", ()),
            ):
                started[name] = start_process(
                    service, module, *args, port=ports[name], env=env[name], log_dir=log_dir
                )
                # Stopped in reverse: ingest first, then the consumers, access-svc, Twitter.
                stack.callback(started[name].terminate)
            for running in started.values():
                wait_ready(running, within=90)
            yield System(
                access=started["access"],
                channel=started["channel"],
                conversation=started["conversation"],
                ingest=started["ingest"],
                twitter=started["sim"],
                console=started["console"],
                kafka_bootstrap_servers=kafka_bootstrap_servers,
                topic_prefix=topic_prefix,
                database_urls={"access": dbs["a"], "channel": dbs["ch"], "conversation": dbs["co"]},
            )
    finally:
        for database_url in dbs.values():
            databases.drop_database(database_server_url, database_url)
