"""The whole system as separate processes, as in production: the four services and the
Twitter simulator, wired as `scripts/stack.sh` wires a local stack, but isolated for tests:
free ports, a topic prefix, fresh databases, unique consumer groups, fresh keys.

    with running_system(kafka_bootstrap_servers=..., topic_prefix=..., database_server_url=...,
                        log_dir=...) as system:
        system.access.base_url, system.twitter.base_url, ...
"""

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from switchboard_testcontainers import wiring
from switchboard_testing import databases
from switchboard_testing.processes import (
    RunningService,
    free_port,
    run_once,
    start_process,
    wait_ready,
)


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
    dbs = {name: databases.create_database(database_server_url) for name in ("a", "ch", "co")}
    # The wiring is the containers' (one place); the simulator's key there is `twitter`.
    env = wiring.environments(
        ports={**ports, "twitter": ports["sim"]},
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        topic_prefix=topic_prefix,
        database_urls={"access": dbs["a"], "channel": dbs["ch"], "conversation": dbs["co"]},
        consumer_group=f"e2e-{uuid.uuid4().hex[:8]}",
        sweep_enabled=sweep_enabled,
        otlp_endpoint=otlp_endpoint,
    )
    env["sim"] = env.pop("twitter")
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
