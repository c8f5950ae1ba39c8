# ruff: noqa: INP001 - a script, run by path
"""How read cost grows with data: queue listings and a conversation's read, p50/p99, as one
organization's conversations grow from 10,000 to 1,000,000, against the real processes
(`whole_system`: access-svc answers every check, conversation-svc reads PostgreSQL).

    uv run python services/conversation-svc/bench/growth.py [--sizes 10000,100000,1000000]

Needs KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL (`eval "$(deploy/infra.sh env)"`). Seeds
`--channels` channels through `channels.v1` (as channel-svc would), then grows the
conversation database with plain SQL (`generate_series`: 10 % New, 10 % Pending, the rest
Resolved; one customer message each; activity spread over 90 days), ANALYZEs it, and at each
size drives `--requests` requests of each kind, `--concurrency` in flight, as an admin on
record. The ceiling of each figure is the same request at the smallest size: a ratio of 1.0
means the cost did not grow with the data. Scratch databases and topics; nothing is left.
"""

import argparse
import asyncio
import random
import sys
import time
import uuid

import httpx
import psycopg

from switchboard_contracts.topics import CHANNELS
from switchboard_platform.kafka.broker import EventPublisher, build_broker
from switchboard_platform.settings import KafkaSettings
from switchboard_testing.bench import (
    CpuMeter,
    Figure,
    database_server,
    kafka_servers,
    percentile,
    report,
    scratch_prefix,
    scratch_topics,
    whole_system,
)
from switchboard_testing.builders import channel_snapshot
from switchboard_testing.system import System

PREFIX = scratch_prefix("growth")
MAX_SIZE = 2_000_000
GOAL_P99_MS = 50.0  # what an agent's screen may wait on a read, at any size

GROW = """
INSERT INTO conversations (id, org_id, channel_id, customer_id, customer_screen_name, status,
    owner_id, tags, topic_ids, created_at, last_activity_at, revision, updated_at)
SELECT gen_random_uuid(), %(org)s, (%(channels)s::uuid[])[1 + g %% %(n_channels)s],
    (10000000 + g)::text, 'customer' || g,
    CASE WHEN g %% 10 = 0 THEN 'new' WHEN g %% 10 = 1 THEN 'pending' ELSE 'resolved' END,
    NULL, '{}', '{}', now() - (g %% 7776000) * interval '1 second',
    now() - (g %% 7776000) * interval '1 second', 2, now()
FROM generate_series(%(first)s::int, %(last)s::int) g
"""
MESSAGES = """
INSERT INTO messages (id, conversation_id, direction, kind, twitter_id, text,
    author_customer_id, created_at)
SELECT gen_random_uuid(), c.id, 'inbound', 'tweet', c.customer_id, 'hello, this is a tweet',
    c.customer_id, c.created_at
FROM conversations c WHERE c.org_id = %(org)s
  AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--channels", type=int, default=20)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    sizes = sorted({max(1, min(int(s), MAX_SIZE)) for s in args.sizes.split(",")})
    kafka = kafka_servers()
    server = database_server()
    if server is None:
        return 2
    figures = asyncio.run(with_topics(args, sizes, kafka, server))
    report(figures)
    return 0


async def with_topics(
    args: argparse.Namespace, sizes: list[int], kafka: str, server: str
) -> list[Figure]:
    async with scratch_topics(kafka, PREFIX):
        return await asyncio.to_thread(run, args, sizes, kafka, server)


def run(args: argparse.Namespace, sizes: list[int], kafka: str, server: str) -> list[Figure]:
    with whole_system(kafka, PREFIX, server) as system:
        return asyncio.run(measure(args, sizes, system))


async def measure(args: argparse.Namespace, sizes: list[int], system: System) -> list[Figure]:
    org = uuid.uuid4()
    conninfo = system.database_urls["conversation"].replace(
        "postgresql+psycopg://", "postgresql://"
    )
    async with httpx.AsyncClient(timeout=30.0) as client:
        admin = await admin_on_record(client, system.access.base_url, org)
        channels = await seed_channels(system, org, args.channels)
        await until_listed(client, system.conversation.base_url, channels, admin)
        rows: dict[str, list[tuple[int, float, float, float]]] = {}
        grown = 0
        for size in sizes:
            started = time.perf_counter()
            await asyncio.to_thread(grow, conninfo, org, channels, grown, size)
            sys.stdout.write(
                f"grown to {size:,} conversations in {time.perf_counter() - started:.1f} s\n"
            )
            grown = size
            sample = await asyncio.to_thread(sample_ids, conninfo, org, args.requests)
            for name, paths in requests_of(channels, sample, args.requests).items():
                p50, p99, cpu = await drive(
                    client, system.conversation.base_url, paths, admin, args.concurrency
                )
                rows.setdefault(name, []).append((size, p50, p99, cpu))
                sys.stdout.write(f"  {name} at {size:,}: p50 {p50:.1f} ms, p99 {p99:.1f} ms\n")
    return figures_of(rows)


async def admin_on_record(client: httpx.AsyncClient, access: str, org: uuid.UUID) -> dict[str, str]:
    """The organization's first admin, created by an admin the identity provider vouches
    for; its own token from then on."""
    idp = await token(client, access, org, uuid.uuid4())
    created = await client.post(
        f"{access}/v1/users",
        json={"email": "admin@example.com", "display_name": "Admin", "org_role": "admin"},
        headers=idp,
    )
    created.raise_for_status()
    return await token(client, access, org, uuid.UUID(created.json()["id"]))


async def token(
    client: httpx.AsyncClient, access: str, org: uuid.UUID, user: uuid.UUID
) -> dict[str, str]:
    response = await client.post(
        f"{access}/v1/dev/tokens",
        json={"org_id": str(org), "user_id": str(user), "org_role": "admin"},
    )
    response.raise_for_status()
    return {"authorization": f"Bearer {response.json()['access_token']}"}


async def seed_channels(system: System, org: uuid.UUID, count: int) -> list[uuid.UUID]:
    """Connected channels as channel-svc announces them (both services consume them)."""
    settings = KafkaSettings(
        bootstrap_servers=system.kafka_bootstrap_servers, topic_prefix=system.topic_prefix
    )
    broker = build_broker(settings, client_id="growth-bench")
    await broker.start()
    try:
        publisher = EventPublisher(broker, settings)
        channels = []
        for i in range(count):
            snapshot = channel_snapshot(
                org_id=org, account_id=str(5_000_000 + i), handle=f"brand{i}"
            )
            await publisher.publish(CHANNELS, snapshot, key=str(snapshot.payload.channel_id))
            channels.append(snapshot.payload.channel_id)
        return channels
    finally:
        await broker.stop()


async def until_listed(
    client: httpx.AsyncClient, base: str, channels: list[uuid.UUID], admin: dict[str, str]
) -> None:
    deadline = time.monotonic() + 60
    for channel in channels:
        while (
            await client.get(f"{base}/v1/channels/{channel}/conversations", headers=admin)
        ).status_code != httpx.codes.OK:
            if time.monotonic() > deadline:
                raise AssertionError(f"channel {channel} never reached conversation-svc")
            await asyncio.sleep(0.2)


def grow(conninfo: str, org: uuid.UUID, channels: list[uuid.UUID], first: int, last: int) -> None:
    with psycopg.connect(conninfo, autocommit=True) as connection:
        for start in range(first + 1, last + 1, 200_000):  # a transaction per 200k rows
            connection.execute(
                GROW,
                {
                    "org": org,
                    "channels": channels,
                    "n_channels": len(channels),
                    "first": start,
                    "last": min(last, start + 199_999),
                },
            )
        connection.execute(MESSAGES, {"org": org})
        connection.execute("VACUUM ANALYZE conversations")
        connection.execute("VACUUM ANALYZE messages")


def sample_ids(conninfo: str, org: uuid.UUID, count: int) -> list[uuid.UUID]:
    with psycopg.connect(conninfo) as connection:
        found = connection.execute(
            "SELECT id FROM conversations TABLESAMPLE SYSTEM (1) WHERE org_id = %s LIMIT %s",
            (org, count),
        ).fetchall()
        if len(found) < count:
            found = connection.execute(
                "SELECT id FROM conversations WHERE org_id = %s ORDER BY random() LIMIT %s",
                (org, count),
            ).fetchall()
    return [row[0] for row in found]


def requests_of(
    channels: list[uuid.UUID], sample: list[uuid.UUID], count: int
) -> dict[str, list[str]]:
    rng = random.Random(15)  # noqa: S311 - a workload, not a secret
    return {
        "channel's New queue, newest first": [
            f"/v1/channels/{rng.choice(channels)}/conversations?queue=new&sort=newest&limit=50"
            for _ in range(count)
        ],
        "channel's Pending queue, oldest first": [
            f"/v1/channels/{rng.choice(channels)}/conversations?queue=pending&sort=oldest&limit=50"
            for _ in range(count)
        ],
        "New across all channels, first page of 50": [
            "/v1/conversations?queue=new&limit=50" for _ in range(count)
        ],
        "a conversation's read (messages, notes)": [
            f"/v1/conversations/{rng.choice(sample)}" for _ in range(count)
        ],
    }


async def drive(
    client: httpx.AsyncClient,
    base: str,
    paths: list[str],
    headers: dict[str, str],
    concurrency: int,
) -> tuple[float, float, float]:
    """p50 and p99 in ms, and the client's CPU share; a non-200 answer is a failed run."""
    for path in paths[:20]:  # warm-up: connections, caches, the planner
        (await client.get(base + path, headers=headers)).raise_for_status()
    queue: asyncio.Queue[str] = asyncio.Queue()
    for path in paths:
        queue.put_nowait(path)
    latencies: list[float] = []

    async def worker() -> None:
        while not queue.empty():
            path = queue.get_nowait()
            started = time.perf_counter()
            response = await client.get(base + path, headers=headers)
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != httpx.codes.OK:
                raise AssertionError(f"{path}: {response.status_code} {response.text[:300]}")

    with CpuMeter() as cpu:
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    ms = sorted(latencies)
    return percentile(ms, 0.5), percentile(ms, 0.99), cpu.share


def figures_of(rows: dict[str, list[tuple[int, float, float, float]]]) -> list[Figure]:
    figures: list[Figure] = []
    for name, measured in rows.items():
        smallest = measured[0]
        for size, p50, p99, cpu in measured:
            figures.append(
                Figure(
                    "growth",
                    f"{name}, p99 at {size:,} conversations",
                    p99,
                    "ms",
                    better="lower",
                    ceiling=smallest[2],
                    ceiling_name=f"the same at {smallest[0]:,}",
                    goal=GOAL_P99_MS,
                    client_cpu=cpu,
                    note=f"p50 {p50:.1f} ms",
                )
            )
    return figures


if __name__ == "__main__":
    raise SystemExit(main())
