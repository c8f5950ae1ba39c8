# ruff: noqa: INP001 - a script, run by path
"""Latency and throughput of access-svc's check endpoint, against the real service (its own
process, with the development issuer) and the real database and broker, on loopback only.

    uv run python services/access-svc/bench/check_latency.py [--checks 5000] [--concurrency 16]

Needs KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL (a server where it may create a database),
e.g. `eval "$(deploy/infra.sh env)"`. It creates a scratch database and topics under the
prefix `bench.`, seeds one organization (users, teams, channels, every kind of grant),
warms up, then sends at most `--checks` checks for at most `--seconds` seconds, prints
p50/p90/p99 and checks per second, and drops the database. Every request goes to 127.0.0.1.
"""

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from switchboard_contracts.enums import ChannelAction
from switchboard_contracts.topics import CHANNELS
from switchboard_platform.kafka.broker import EventPublisher, build_broker
from switchboard_platform.kafka.topics import ensure_topics
from switchboard_platform.settings import KafkaSettings
from switchboard_testing import databases
from switchboard_testing.builders import channel_snapshot
from switchboard_testing.processes import free_port, run_once, service_process

PREFIX = "bench."
MAX_CHECKS = 100_000
MAX_SECONDS = 120.0
ROLES = ("viewer", "contributor", "supervisor")
HALF = 0.5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checks", type=int, default=5000, help=f"at most {MAX_CHECKS}")
    parser.add_argument("--seconds", type=float, default=60.0, help=f"at most {MAX_SECONDS}")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--channels", type=int, default=20)
    parser.add_argument("--log-level", default="WARNING", help="the service's LOG_LEVEL")
    args = parser.parse_args()
    args.checks = max(1, min(args.checks, MAX_CHECKS))
    args.seconds = max(1.0, min(args.seconds, MAX_SECONDS))
    kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    server = os.environ.get("DATABASE_URL")
    if not server:
        sys.stderr.write('set DATABASE_URL (e.g. eval "$(deploy/infra.sh env)")\n')
        return 2
    asyncio.run(ensure_topics(kafka, prefix=PREFIX, topics=(CHANNELS,)))
    database = databases.create_database(server, prefix="sb_access_bench")
    try:
        return run(args, kafka, database)
    finally:
        databases.drop_database(server, database)


def run(args: argparse.Namespace, kafka: str, database: str) -> int:
    port = free_port()
    env = {
        "DATABASE_URL": database,
        "KAFKA_BOOTSTRAP_SERVERS": kafka,
        "KAFKA_TOPIC_PREFIX": PREFIX,
        "SB_ACCESS_PORT": str(port),
        "SB_ACCESS_DEV_ISSUER": "true",
        "SB_ACCESS_CONSUMER_GROUP": f"access-bench-{uuid.uuid4().hex[:8]}",
        "LOG_LEVEL": args.log_level,
        # One connection per concurrent request: beyond the pool, SQLAlchemy opens and
        # closes a connection per request, and that is what would be measured.
        "DATABASE_POOL_SIZE": str(args.concurrency + 4),  # and the relay, the consumer
    }
    run_once("switchboard_access", "migrate", env=env)
    with (
        tempfile.TemporaryDirectory() as logs,
        service_process(
            "access-svc", "switchboard_access", "serve", port=port, env=env, log_dir=Path(logs)
        ) as service,
    ):
        return asyncio.run(
            measure(
                args, service.base_url, KafkaSettings(bootstrap_servers=kafka, topic_prefix=PREFIX)
            )
        )


async def measure(args: argparse.Namespace, base_url: str, kafka: KafkaSettings) -> int:
    limits = httpx.Limits(
        max_connections=args.concurrency, max_keepalive_connections=args.concurrency
    )
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=10.0) as client:
        setup = await seed(client, kafka, users=args.users, channels=args.channels)
        await load(client, setup, count=args.warmup, concurrency=args.concurrency, seconds=30)
        started, client_cpu = time.perf_counter(), time.process_time()
        latencies, errors = await load(
            client, setup, count=args.checks, concurrency=args.concurrency, seconds=args.seconds
        )
        elapsed, client_cpu = time.perf_counter() - started, time.process_time() - client_cpu
    report(latencies, errors, elapsed, args)
    sys.stdout.write(
        f"the load generator itself used {client_cpu / elapsed:.0%} of a core "
        "(when near 100%, the figures measure the client, not the service)\n"
    )
    return 0 if not errors else 1


async def token(client: httpx.AsyncClient, **body: Any) -> dict[str, str]:
    response = await client.post("/v1/dev/tokens", json=body)
    response.raise_for_status()
    return {"authorization": f"Bearer {response.json()['access_token']}"}


async def seed(
    client: httpx.AsyncClient, kafka: KafkaSettings, *, users: int, channels: int
) -> dict[str, Any]:
    org = str(uuid.uuid4())
    admin = await token(client, org_id=org, user_id=str(uuid.uuid4()), org_role="admin")
    service = await token(client, org_id=org, kind="service", service="bench")
    user_ids = []
    for n in range(users):
        response = await client.post(
            "/v1/users",
            json={"email": f"agent{n}@bench.example", "display_name": f"Agent {n}"},
            headers=admin,
        )
        response.raise_for_status()
        user_ids.append(response.json()["id"])
    team_ids = []
    for n in range(5):
        response = await client.post("/v1/teams", json={"name": f"Team {n}"}, headers=admin)
        team_ids.append(response.json()["id"])
    for n, user_id in enumerate(user_ids[: users * 3 // 4]):  # a quarter in no team
        team = team_ids[n % len(team_ids)]
        await client.post(f"/v1/teams/{team}/members", json={"user_id": user_id}, headers=admin)
    channel_ids = await publish_channels(client, kafka, org, admin, channels)
    rng = random.Random(7)  # noqa: S311 - a workload, not a secret
    for channel in channel_ids:
        for user_id in rng.sample(user_ids, k=min(10, len(user_ids))):
            await client.put(
                f"/v1/channels/{channel}/access/users/{user_id}",
                json={"role": rng.choice(ROLES)},
                headers=admin,
            )
        for team in rng.sample(team_ids, k=2):
            await client.put(
                f"/v1/channels/{channel}/access/teams/{team}",
                json={"role": rng.choice(ROLES)},
                headers=admin,
            )
        if rng.random() < HALF:
            await client.put(
                f"/v1/channels/{channel}/access/all-users", json={"role": "viewer"}, headers=admin
            )
    return {"service": service, "users": user_ids, "channels": channel_ids}


async def publish_channels(
    client: httpx.AsyncClient, kafka: KafkaSettings, org: str, admin: dict[str, str], count: int
) -> list[str]:
    """As channel-svc would: snapshots on channels.v1; then wait until access-svc has them."""
    broker = build_broker(kafka, client_id="access-bench")
    publisher = EventPublisher(broker, kafka)
    snapshots = [channel_snapshot(org_id=uuid.UUID(org)) for _ in range(count)]
    await broker.start()
    try:
        for snapshot in snapshots:
            await publisher.publish(CHANNELS, snapshot, key=str(snapshot.payload.channel_id))
    finally:
        await broker.stop()
    async with asyncio.timeout(60):
        while len((await client.get("/v1/channels", headers=admin)).json()) < count:  # noqa: ASYNC110 - polling another process
            await asyncio.sleep(0.2)
    return [str(snapshot.payload.channel_id) for snapshot in snapshots]


async def load(
    client: httpx.AsyncClient,
    setup: dict[str, Any],
    *,
    count: int,
    concurrency: int,
    seconds: float,
) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    remaining = count
    deadline = time.perf_counter() + seconds
    rng = random.Random(11)  # noqa: S311 - a workload, not a secret
    actions = [action.value for action in ChannelAction]

    async def worker() -> None:
        nonlocal remaining, errors
        while remaining > 0 and time.perf_counter() < deadline:
            remaining -= 1
            body = {
                "user_id": rng.choice(setup["users"]),
                "channel_id": rng.choice(setup["channels"]),
                "action": rng.choice(actions),
            }
            started = time.perf_counter()
            response = await client.post("/v1/check", json=body, headers=setup["service"])
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:  # noqa: PLR2004
                errors += 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, errors


def report(latencies: list[float], errors: int, elapsed: float, args: argparse.Namespace) -> None:
    ms = sorted(latency * 1000 for latency in latencies)
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    lines = [
        (
            f"access-svc check endpoint: {len(ms)} checks, concurrency {args.concurrency}, "
            f"{args.users} users, {args.channels} channels, service log level {args.log_level}"
        ),
        (
            f"latency ms: p50 {cuts[49]:.2f}  p90 {cuts[89]:.2f}  p99 {cuts[98]:.2f}  "
            f"max {ms[-1]:.2f}  mean {statistics.fmean(ms):.2f}"
        ),
        f"throughput: {len(ms) / elapsed:.0f} checks/s over {elapsed:.1f}s; errors: {errors}",
    ]
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
