"""The system as the chaos run needs it: every service a process that can be killed with
SIGKILL and started again, and conversation-svc split as Kubernetes runs it (an API, a
worker, and a relay process beside the worker's relay)."""

import contextlib
import json
from collections import Counter
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from switchboard_platform.auth.signing import generate_signing_key
from switchboard_testcontainers import wiring
from switchboard_testing import databases
from switchboard_testing.processes import (
    RunningService,
    free_port,
    run_once,
    start_process,
    wait_ready,
)

# What the run kills, three times each (`make chaos`) or once (the short run).
KILLABLE = (
    "ingest-svc",
    "conversation-api",
    "conversation-worker",
    "conversation-relay",
    "channel-svc",
    "access-svc",
)
# The simulator's side of the bargain: Twitter retries a delivery that got no 200, here
# for long enough to outlast every fault (0.5 s doubled ten times: ~8 minutes), with many
# deliveries in flight, and rate limits that only the outage brings down.
SIMULATOR = {
    "SB_TWITTER_SIM_RETRY_ATTEMPTS": "10",
    "SB_TWITTER_SIM_RETRY_BACKOFF_SECONDS": "0.5",
    "SB_TWITTER_SIM_DELIVERY_CONCURRENCY": "16",
    "SB_TWITTER_SIM_TWEET_LIMIT": "1000000",
    "SB_TWITTER_SIM_DM_LIMIT": "1000000",
    "SB_TWITTER_SIM_DM_DAILY_LIMIT": "1000000",
    "SB_TWITTER_SIM_DEFAULT_LIMIT": "1000000",
}


@dataclass
class Part:
    name: str
    module: str
    args: tuple[str, ...]
    port: int
    env: dict[str, str]
    running: RunningService | None = None
    starts: int = 0


@dataclass
class Cluster:
    log_dir: Path
    parts: dict[str, Part] = field(default_factory=dict)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.parts[name].port}"

    def start(self, name: str, *, ready_within: float = 120.0) -> None:
        part = self.parts[name]
        part.running = start_process(
            part.name, part.module, *part.args, port=part.port, env=part.env, log_dir=self.log_dir
        )
        part.starts += 1
        wait_ready(part.running, within=ready_within)

    def kill(self, name: str) -> None:
        """SIGKILL: no goodbye, no flush, no offsets committed."""
        running = self.parts[name].running
        if running is not None and running.process.poll() is None:
            running.process.kill()
            running.process.wait()

    def stop(self) -> None:
        for part in reversed(list(self.parts.values())):
            if part.running is not None:
                try:
                    part.running.terminate(within=30)
                except Exception:  # noqa: BLE001 - stopping everything regardless
                    part.running.process.kill()

    def exits(self) -> dict[str, int | None]:
        """Processes that ended without being killed by the run (a crash)."""
        return {
            name: part.running.process.poll()
            for name, part in self.parts.items()
            if part.running is not None and part.running.process.poll() is not None
        }

    def warnings(self, top: int = 5) -> dict[str, list[str]]:
        """Each part's most frequent warnings and errors (JSON log lines), with counts."""
        found: dict[str, list[str]] = {}
        for part in self.parts.values():
            if part.running is None or not part.running.log_path.exists():
                continue
            counts: Counter[str] = Counter()
            for line in part.running.log_path.read_text(errors="replace").splitlines():
                with contextlib.suppress(ValueError, AttributeError):
                    record = json.loads(line)
                    if record.get("level") in {"warning", "error", "critical"}:
                        counts[f"{record['level']}: {record.get('event')}"[:200]] += 1
            if counts:
                found[part.name] = [f"{n} x {text}" for text, n in counts.most_common(top)]
        return found

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.running.log_tail(lines)}" for p in self.parts.values() if p.running
        )


def build_cluster(
    *,
    kafka_bootstrap_servers: str,
    database_server_url: str,
    log_dir: Path,
    consumer_group: str,
) -> tuple[Cluster, dict[str, str]]:
    """Fresh databases, migrated; the parts' settings (nothing started). Returns the
    cluster and the database URLs (to drop at the end)."""
    names = ("access", "channel", "conversation", "ingest", "twitter")
    ports = {name: free_port() for name in names}
    dbs = {
        name: databases.create_database(database_server_url, prefix=f"chaos_{name}")
        for name in ("access", "channel", "conversation")
    }
    env = wiring.environments(
        ports=ports,
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        topic_prefix="",
        database_urls=dbs,
        consumer_group=consumer_group,
        sweep_enabled=False,  # the workload's conversations must not resolve themselves
    )
    # One key for every start of access-svc: tokens outlive its restarts, as in production.
    key = json.dumps(generate_signing_key().as_dict(private=True))
    env["access"]["SB_ACCESS_DEV_ISSUER_KEY"] = key
    env["ingest"]["HTTP_ACCESS_LOG"] = "false"  # 20,000 lines of the same says nothing
    env["twitter"] |= SIMULATOR
    with ThreadPoolExecutor(3) as pool:
        for migration in [
            pool.submit(run_once, module, "migrate", env=env[name])
            for name, module in (
                ("access", "switchboard_access"),
                ("channel", "switchboard_channel"),
                ("conversation", "switchboard_conversation"),
            )
        ]:
            migration.result()
    cluster = Cluster(log_dir)

    def add(name: str, module: str, args: tuple[str, ...], port: int, e: Mapping[str, str]) -> None:
        cluster.parts[name] = Part(name, module, args, port, dict(e))

    add("twitter-sim", "switchboard_twitter_sim", (), ports["twitter"], env["twitter"])
    add("access-svc", "switchboard_access", ("serve",), ports["access"], env["access"])
    add("channel-svc", "switchboard_channel", ("serve",), ports["channel"], env["channel"])
    for role in ("api", "worker", "relay"):
        port = ports["conversation"] if role == "api" else free_port()
        add(
            f"conversation-{role}",
            "switchboard_conversation",
            ("serve",),
            port,
            {**env["conversation"], "SERVICE_ROLE": role, "SB_CONVERSATION_PORT": str(port)},
        )
    add("ingest-svc", "switchboard_ingest", (), ports["ingest"], env["ingest"])
    return cluster, dbs


def start_all(cluster: Cluster) -> None:
    for name in cluster.parts:
        cluster.start(name)
