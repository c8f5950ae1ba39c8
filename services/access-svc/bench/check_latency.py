# ruff: noqa: INP001 - a script, run by path
"""Latency and throughput of access-svc's check endpoint, against the real service (its own
process, with the development issuer) and the real database and broker, on loopback only.

    uv run python services/access-svc/bench/check_latency.py [--checks 5000] [--concurrency 16]

Needs KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL (a server where it may create a database),
e.g. `eval "$(deploy/infra.sh env)"`. It creates a scratch database and topics under a
`bench-access-` prefix, seeds one organization (users, teams, channels, every kind of
grant), then drives `--checks` distinct checks (cycled by wrk, or once each by httpx) for
`--seconds` after a warm-up, and the same requests against the ceiling: `bare_lookup.py`,
one indexed lookup on the same database under the same uvicorn. Prints p50/p99 and checks
per second with the load generator's CPU, then drops the database and deletes the topics.
Every request goes to 127.0.0.1.
"""

import argparse
import asyncio
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from switchboard_contracts.enums import ChannelAction
from switchboard_contracts.topics import CHANNELS
from switchboard_platform.kafka.broker import EventPublisher, build_broker
from switchboard_platform.settings import KafkaSettings
from switchboard_testing import bench as figures
from switchboard_testing import databases
from switchboard_testing.bench import (
    CpuMeter,
    Figure,
    Load,
    database_server,
    kafka_servers,
    percentile,
    scratch_prefix,
    scratch_topics,
    wrk_post,
)
from switchboard_testing.builders import channel_snapshot
from switchboard_testing.processes import free_port, run_once, service_process

PREFIX = scratch_prefix("access")
HERE = Path(__file__).resolve().parent
MAX_CHECKS = 100_000
MAX_SECONDS = 120.0
ROLES = ("viewer", "contributor", "supervisor")
HALF = 0.5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checks", type=int, default=5000, help=f"at most {MAX_CHECKS}")
    parser.add_argument("--seconds", type=float, default=10.0, help=f"at most {MAX_SECONDS}")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--channels", type=int, default=20)
    parser.add_argument("--log-level", default="WARNING", help="the service's LOG_LEVEL")
    parser.add_argument("--generator", choices=("auto", "wrk", "httpx"), default="auto")
    args = parser.parse_args()
    args.checks = max(1, min(args.checks, MAX_CHECKS))
    args.seconds = max(1.0, min(args.seconds, MAX_SECONDS))
    args.generator = "wrk" if shutil.which("wrk") and args.generator != "httpx" else "httpx"
    kafka = kafka_servers()
    server = database_server()
    if server is None:
        return 2
    database = databases.create_database(server, prefix="sb_access_bench")
    try:
        return asyncio.run(with_topics(args, kafka, database))
    finally:
        databases.drop_database(server, database)


async def with_topics(args: argparse.Namespace, kafka: str, database: str) -> int:
    async with scratch_topics(kafka, PREFIX):
        return await asyncio.to_thread(run, args, kafka, database)


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
        setup, checks = asyncio.run(
            measure(
                args, service.base_url, KafkaSettings(bootstrap_servers=kafka, topic_prefix=PREFIX)
            )
        )
    with bare_server(free_port(), database, args.concurrency + 4) as url:
        bare = asyncio.run(drive(args, url, setup))
    report(args, checks, bare)
    return 0


@contextmanager
def bare_server(port: int, database: str, pool_size: int) -> Iterator[str]:
    command = [sys.executable, str(HERE / "bare_lookup.py"), str(port), database, str(pool_size)]
    process = subprocess.Popen(command)  # noqa: S603 - our own script
    url = f"http://127.0.0.1:{port}/v1/check"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.post(url, content=b"{}")
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


async def measure(
    args: argparse.Namespace, base_url: str, kafka: KafkaSettings
) -> tuple[dict[str, Any], Load]:
    async with httpx.AsyncClient(base_url=base_url, timeout=10.0) as client:
        setup = await seed(client, kafka, users=args.users, channels=args.channels)
    return setup, await drive(args, f"{base_url}/v1/check", setup)


async def drive(args: argparse.Namespace, url: str, setup: dict[str, Any]) -> Load:
    """The same checks for the service and for the ceiling: wrk, or httpx in process."""
    rng = random.Random(11)  # noqa: S311 - a workload, not a secret
    actions = [action.value for action in ChannelAction]
    bodies = [
        json.dumps(
            {
                "user_id": rng.choice(setup["users"]),
                "channel_id": rng.choice(setup["channels"]),
                "action": rng.choice(actions),
            }
        ).encode()
        for _ in range(args.checks)
    ]
    headers = {"content-type": "application/json", **setup["service"]}
    if args.generator == "wrk":
        requests = [(body, headers) for body in bodies]
        return await asyncio.to_thread(
            wrk_post, url, requests, concurrency=args.concurrency, seconds=args.seconds
        )
    limits = httpx.Limits(
        max_connections=args.concurrency, max_keepalive_connections=args.concurrency
    )
    async with httpx.AsyncClient(limits=limits, timeout=10.0) as client:
        await load(
            client, url, bodies[: args.warmup], headers, concurrency=args.concurrency, seconds=30
        )
        started = time.perf_counter()
        with CpuMeter() as cpu:
            latencies, errors = await load(
                client, url, bodies, headers, concurrency=args.concurrency, seconds=args.seconds
            )
        elapsed = time.perf_counter() - started
    ms = sorted(latency * 1000 for latency in latencies)
    return Load(
        len(ms) - errors, errors, elapsed, percentile(ms, 0.5), percentile(ms, 0.99), cpu.share
    )


async def token(client: httpx.AsyncClient, **body: Any) -> dict[str, str]:
    response = await client.post("/v1/dev/tokens", json=body)
    response.raise_for_status()
    return {"authorization": f"Bearer {response.json()['access_token']}"}


async def seed(
    client: httpx.AsyncClient, kafka: KafkaSettings, *, users: int, channels: int
) -> dict[str, Any]:
    org = str(uuid.uuid4())
    bootstrap = await token(client, org_id=org, user_id=str(uuid.uuid4()), org_role="admin")
    # The routes take the caller's standing on record: an admin access-svc knows.
    response = await client.post(
        "/v1/users",
        json={"email": "admin@bench.example", "display_name": "Admin", "org_role": "admin"},
        headers=bootstrap,
    )
    response.raise_for_status()
    admin = await token(client, org_id=org, user_id=response.json()["id"], org_role="admin")
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
    url: str,
    bodies: list[bytes],
    headers: dict[str, str],
    *,
    concurrency: int,
    seconds: float,
) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    todo = iter(bodies)
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        for body in todo:
            if time.perf_counter() > deadline:
                return
            started = time.perf_counter()
            response = await client.post(url, content=body, headers=headers)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:  # noqa: PLR2004
                errors += 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, errors


def report(args: argparse.Namespace, checks: Load, bare: Load) -> None:
    sys.stdout.write(
        f"access-svc check endpoint: concurrency {args.concurrency}, {args.users} users,"
        f" {args.channels} channels, service log level {args.log_level},"
        f" load generator {args.generator}\n"
    )
    for name, found in (("check", checks), ("bare lookup", bare)):
        sys.stdout.write(
            f"{name:<12} {found.rate:8.0f}/s  p50 {found.p50_ms:7.2f} ms  p99 {found.p99_ms:7.2f}"
            f" ms  {found.ok} ok, {found.failed} failed, client {found.client_cpu:.0%} of a core\n"
        )
    flight = f"{args.concurrency} in flight"
    ceiling = "bare endpoint, same uvicorn and database, one indexed lookup"
    figures.report(
        [
            Figure(
                "access",
                f"checks/s, {flight}",
                checks.rate,
                "/s",
                ceiling=bare.rate,
                ceiling_name=ceiling,
                goal=3000,
                client_cpu=checks.client_cpu,
                note=args.generator,
            ),
            Figure(
                "access",
                f"check p99, {flight}",
                checks.p99_ms,
                "ms",
                better="lower",
                ceiling=bare.p99_ms,
                ceiling_name=ceiling,
                goal=10,
                client_cpu=checks.client_cpu,
            ),
            Figure(
                "access",
                f"check p50, {flight}",
                checks.p50_ms,
                "ms",
                better="lower",
                ceiling=bare.p50_ms,
                ceiling_name=ceiling,
            ),
            Figure(
                "access",
                f"failed checks, {flight}",
                checks.failed,
                "",
                better="lower",
                goal=0,
                note=f"of {checks.ok + checks.failed}",
            ),
            Figure(
                "access",
                f"bare lookup/s, {flight}",
                bare.rate,
                "/s",
                client_cpu=bare.client_cpu,
                note="the ceiling",
            ),
            Figure("access", f"bare lookup p99, {flight}", bare.p99_ms, "ms", better="lower"),
        ]
    )


if __name__ == "__main__":
    raise SystemExit(main())
