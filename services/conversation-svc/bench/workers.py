# ruff: noqa: INP001 - a script, run by path
"""How inbound throughput grows with processes: customer messages per second end to end
(`twitter.activity.v1` -> committed -> relayed to `conversations.v1`) with one
conversation-svc process, then with two sharing the topic's partitions in one consumer group
and one database, each a real process.

    uv run python services/conversation-svc/bench/workers.py [--messages 6000] [--processes 1,2]

Needs KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL (`eval "$(deploy/infra.sh env)"`). Each run
gets a scratch database and topics; the processes join their group and handle a warm-up
batch before the clock starts. The ceiling of the n-process figure is n times the
one-process figure: the ratio is the scaling efficiency. On a machine with fewer cores than
processes plus Kafka and PostgreSQL, the processes share cores: read the ratio with that.
"""

import argparse
import asyncio
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from switchboard_contracts.topics import CHANNELS, TWITTER_ACTIVITY
from switchboard_platform.kafka.broker import EventPublisher, OutgoingRecord, build_broker, encode
from switchboard_platform.settings import KafkaSettings
from switchboard_testing import databases
from switchboard_testing.bench import (
    Figure,
    database_server,
    kafka_servers,
    report,
    scratch_prefix,
    scratch_topics,
)
from switchboard_testing.builders import channel_snapshot, tweet_received
from switchboard_testing.processes import free_port, run_once, start_process, wait_ready

ACCOUNT = "4300000000"
MAX_MESSAGES = 50_000
WARMUP = 300


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=6000, help=f"at most {MAX_MESSAGES}")
    parser.add_argument("--processes", default="1,2")
    args = parser.parse_args()
    count = max(1, min(args.messages, MAX_MESSAGES))
    counts = sorted({max(1, int(n)) for n in args.processes.split(",")})
    server = database_server()
    if server is None:
        return 2
    kafka = kafka_servers()
    rates = {n: asyncio.run(one_run(kafka, server, n, count)) for n in counts}
    for n, rate in rates.items():
        print(f"{n} process(es): {rate:,.0f} messages/s ({count} messages)")  # noqa: T201
    single = rates.get(1)
    report(
        Figure(
            "growth",
            f"inbound messages/s with {n} conversation-svc process{'es' if n > 1 else ''}",
            rate,
            "/s",
            ceiling=None if single is None or n == 1 else single * n,
            ceiling_name=f"{n} x one process's rate",
            note="processes, Kafka and PostgreSQL share the machine's cores",
        )
        for n, rate in rates.items()
    )
    return 0


async def one_run(kafka: str, server: str, processes: int, count: int) -> float:
    prefix = scratch_prefix("workers")
    url = databases.create_database(server, prefix="sb_conv_workers")
    try:
        async with scratch_topics(kafka, prefix):
            settings = KafkaSettings(bootstrap_servers=kafka, topic_prefix=prefix)
            return await measure(settings, url, processes, count)
    finally:
        databases.drop_database(server, url)


async def measure(kafka: KafkaSettings, url: str, processes: int, count: int) -> float:
    group = f"workers-bench-{uuid.uuid4().hex[:8]}"
    env = {
        "DATABASE_URL": url,
        "KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "KAFKA_TOPIC_PREFIX": kafka.topic_prefix,
        "SB_CONVERSATION_CONSUMER_GROUP": group,
        "SB_CONVERSATION_SWEEP_ENABLED": "false",
        "SB_CONVERSATION_ACCESS_URL": "http://127.0.0.1:9",  # no agent actions here
        "LOG_LEVEL": "WARNING",
    }
    run_once("switchboard_conversation", "migrate", env=env)
    broker = build_broker(kafka, client_id="workers-bench")
    await broker.start()
    publisher = EventPublisher(broker, kafka)
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    with tempfile.TemporaryDirectory() as logs:
        running = [
            start_process(
                "conversation-svc",
                "switchboard_conversation",
                "serve",
                port=(port := free_port()),
                env={**env, "SB_CONVERSATION_PORT": str(port)},
                log_dir=Path(logs),
            )
            for _ in range(processes)
        ]
        try:
            for service in running:
                await asyncio.to_thread(wait_ready, service, 90)
            snapshot = channel_snapshot(account_id=ACCOUNT)
            await publisher.publish(CHANNELS, snapshot, key=str(snapshot.payload.channel_id))
            # A tweet for an account with no channel yet is not conversation material: the
            # channel's row must be committed before the first tweet is sent.
            await until_count(conninfo, "SELECT count(*) FROM channels", 1)
            await send(publisher, 0, WARMUP)  # the group settles, every process has work
            await until_stored(conninfo, WARMUP)
            await asyncio.sleep(2)
            started = time.perf_counter()
            await send(publisher, WARMUP, count)
            await until_stored(conninfo, WARMUP + count)
            return count / (time.perf_counter() - started)
        finally:
            for service in running:
                service.terminate()
            await broker.stop()


async def send(publisher: EventPublisher, first: int, count: int) -> None:
    now = datetime.now(UTC)
    tweets = [
        tweet_received(
            tweet_id=str(9_000_000 + i),
            customer_id=str(9_500_000 + i),  # one conversation each, spread over partitions
            account_id=ACCOUNT,
            created_at=now,
        )
        for i in range(first, first + count)
    ]
    await publisher.publish_batch(
        [
            OutgoingRecord(
                publisher.topic_name(TWITTER_ACTIVITY),
                f"{ACCOUNT}:{t.payload.customer_id}",
                encode(t),
                t.type,
            )
            for t in tweets
        ]
    )


async def until_stored(conninfo: str, count: int) -> None:
    """Every message's conversation committed and its events relayed (the outbox empty)."""
    await until_count(
        conninfo,
        "SELECT (SELECT count(*) FROM conversations)"
        " - CASE WHEN EXISTS (SELECT 1 FROM outbox) THEN 1000000000 ELSE 0 END",
        count,
    )


async def until_count(conninfo: str, query: str, count: int, within: float = 300.0) -> None:
    """Poll `query` (one integer) until it reaches `count`."""
    deadline = time.monotonic() + within
    async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as connection:
        while True:
            row = await (await connection.execute(query)).fetchone()
            seen = -1 if row is None else int(row[0])
            if seen >= count:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{query!r} gave {seen}, not {count}, after {within} s")
            await asyncio.sleep(0.05)


if __name__ == "__main__":
    raise SystemExit(main())
