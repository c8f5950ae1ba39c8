# ruff: noqa: INP001, T201 - a script, run by path, that prints its figures
"""Inbound messages per second end to end, and the auto-resolve sweep over 100,000
stale conversations; the real broker and database, loopback only.

    uv run python services/conversation-svc/bench/inbound_and_sweep.py [--messages 2000]

1. conversation-svc runs in process; `--messages` customer tweets (each a new customer)
   are published to twitter.activity.v1; the clock runs until every conversation and its
   events are committed and the outbox relay has published them to conversations.v1.
   The same rows (processed event, conversation, message, two history rows, two outbox
   rows), inserted with plain psycopg 100 messages per transaction (the batch the consumer
   fetches) into another database, are the ceiling; one transaction per message beside it.
2. `--stale` Pending conversations past their channel's threshold are inserted in bulk,
   then one sweep resolves them in batches; its time is printed.

Needs KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL (a server where it may create databases),
e.g. `eval "$(deploy/infra.sh env)"`. Scratch databases and `bench-conv-` topics, dropped
and deleted at the end.
"""

import argparse
import asyncio
import json
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from functools import partial

import psycopg
from asgi_lifespan import LifespanManager
from sqlalchemy import text

from switchboard_contracts.topics import CHANNELS, TWITTER_ACTIVITY
from switchboard_conversation import __main__ as cli
from switchboard_conversation.adapters.unit_of_work import UnitOfWork
from switchboard_conversation.bootstrap import create_app
from switchboard_conversation.service_layer.auto_resolve import sweep
from switchboard_conversation.service_layer.context import ConversationContext
from switchboard_conversation.settings import ConversationSettings
from switchboard_platform.db.engine import create_engine, session_factory
from switchboard_platform.db.migrations import upgrade
from switchboard_platform.http.serve import run_as_served
from switchboard_platform.kafka.broker import EventPublisher, OutgoingRecord, build_broker, encode
from switchboard_platform.settings import DatabaseSettings, KafkaSettings
from switchboard_testing import databases
from switchboard_testing.bench import (
    CpuMeter,
    Figure,
    database_server,
    kafka_servers,
    report,
    scratch_prefix,
    scratch_topics,
)
from switchboard_testing.builders import channel_snapshot, tweet_received

MAX_MESSAGES = 20_000
BATCH = 100  # what the inbound consumer fetches and handles together
MAX_STALE = 200_000
ACCOUNT = "4200000000"


class NoAccess:
    async def check(self, **_: object) -> object:
        raise AssertionError("no agent actions in this benchmark")

    async def channels_of(self, **_: object) -> list[object]:
        return []

    def forget(self, org_id: uuid.UUID) -> None:
        del org_id

    async def aclose(self) -> None:
        return None


async def inbound(kafka: KafkaSettings, url: str, count: int) -> float:
    async with scratch_topics(kafka.bootstrap_servers, kafka.topic_prefix):
        return await _inbound(kafka, url, count)


async def _inbound(kafka: KafkaSettings, url: str, count: int) -> float:
    app = create_app(
        ConversationSettings(
            database=DatabaseSettings(url=url),
            kafka=kafka,
            consumer_group=f"bench-{uuid.uuid4().hex[:8]}",
            sweep_enabled=False,
            log_level="WARNING",
        ),
        access=NoAccess(),  # type: ignore[arg-type]
    )
    broker = build_broker(kafka, client_id="bench")
    await broker.start()
    publisher = EventPublisher(broker, kafka)
    snapshot = channel_snapshot(account_id=ACCOUNT)
    engine = create_engine(url)
    now = datetime.now(UTC)
    tweets = [
        tweet_received(
            tweet_id=str(7_000_000 + i),
            customer_id=str(8_000_000 + i),
            account_id=ACCOUNT,
            created_at=now,
        )
        for i in range(count)
    ]
    try:
        async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
            await publisher.publish(CHANNELS, snapshot, key=str(snapshot.payload.channel_id))
            await asyncio.sleep(3)  # consumers join their groups
            started = time.perf_counter()
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
            while True:
                async with engine.connect() as connection:
                    done = await connection.scalar(text("SELECT count(*) FROM conversations"))
                    left = await connection.scalar(text("SELECT count(*) FROM outbox"))
                if done == count and left == 0:
                    break
                await asyncio.sleep(0.05)
            return count / (time.perf_counter() - started)
    finally:
        await engine.dispose()
        await broker.stop()


def raw_inserts(url: str, count: int, *, per_transaction: int) -> float:
    """The rows one inbound message writes, with plain psycopg: `per_transaction` messages
    per transaction, each statement sent for the whole batch at once (executemany, which
    psycopg pipelines); 1 is the one-transaction-per-message figure."""
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    org, channel = uuid.uuid4(), uuid.uuid4()
    now = datetime.now(UTC)
    event = json.dumps({"payload": "x" * 900})  # about the size of a real event
    with psycopg.connect(conninfo) as connection:
        started = time.perf_counter()
        for first in range(0, count, per_transaction):
            batch = [
                (uuid.uuid4(), uuid.uuid4(), i)
                for i in range(first, min(count, first + per_transaction))
            ]
            with connection.transaction(), connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO processed_events (consumer, event_id) VALUES (%s, %s)",
                    [("bench", uuid.uuid4()) for _ in batch],
                )
                cursor.executemany(
                    "INSERT INTO conversations (id, org_id, channel_id, customer_id, status, tags,"
                    " topic_ids, created_at, last_activity_at, revision, updated_at)"
                    " VALUES (%s, %s, %s, %s, 'new', '{}', '{}', %s, %s, 2, %s)",
                    [(c, org, channel, str(9_000_000 + i), now, now, now) for c, _, i in batch],
                )
                cursor.executemany(
                    "INSERT INTO messages (id, conversation_id, direction, kind, twitter_id, text,"
                    " created_at) VALUES (%s, %s, 'inbound', 'tweet', %s, 'help', %s)",
                    [(m, c, str(i), now) for c, m, i in batch],
                )
                cursor.executemany(
                    "INSERT INTO conversation_history (conversation_id, org_id, channel_id,"
                    " revision, type, occurred_at, actor_kind, actor_id, detail)"
                    " VALUES (%s, %s, %s, %s, 't', %s, 'twitter_account', '1', '{}')",
                    [(c, org, channel, r, now) for c, _, _ in batch for r in (1, 2)],
                )
                cursor.executemany(
                    "INSERT INTO outbox (topic, key, event_id, event_type, value)"
                    " VALUES ('conversations.v1', %s, %s, 't', %s)",
                    [(str(c), uuid.uuid4(), event) for c, _, _ in batch for _ in (1, 2)],
                )
        return count / (time.perf_counter() - started)


async def sweep_time(url: str, stale: int) -> float:
    engine = create_engine(url)
    old = datetime.now(UTC) - timedelta(days=60)
    async with engine.begin() as connection:
        channel = uuid.uuid4()
        await connection.execute(
            text(
                "INSERT INTO channels (id, org_id, twitter_account_id, status, auto_ownership,"
                " snapshot, revision) VALUES (:id, :org, '1', 'connected', true, '{}', 1)"
            ),
            {"id": channel, "org": uuid.uuid4()},
        )
        await connection.execute(
            text(
                "INSERT INTO conversations (id, org_id, channel_id, customer_id, status, owner_id,"
                " tags, topic_ids, created_at, last_activity_at, revision, updated_at)"
                " SELECT gen_random_uuid(), c.org_id, c.id, g::text, 'pending', gen_random_uuid(),"
                " '{}', '{}', :old, :old, 3, :old"
                " FROM generate_series(1, :n) g, channels c"
            ),
            {"old": old, "n": stale},
        )
    async with engine.begin() as connection:
        # What autovacuum gives a database that has these rows (PostgreSQL's advice after a
        # bulk load): without statistics the planner thinks the table empty and sorts every
        # stale conversation for each batch of the sweep (150 ms a batch at 100,000).
        await connection.execute(text("ANALYZE conversations, channels"))
    context = ConversationContext(
        unit_of_work=partial(UnitOfWork, session_factory(engine)),
        access=NoAccess(),  # type: ignore[arg-type]
    )
    started = time.perf_counter()
    resolved = await sweep(context, batch_size=1000)
    took = time.perf_counter() - started
    await engine.dispose()
    if resolved != stale:
        raise AssertionError(f"resolved {resolved} of {stale}")
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=5000, help=f"at most {MAX_MESSAGES}")
    parser.add_argument("--stale", type=int, default=100_000, help=f"at most {MAX_STALE}")
    args = parser.parse_args()
    count = max(1, min(args.messages, MAX_MESSAGES))
    stale = max(1, min(args.stale, MAX_STALE))
    server = database_server()
    if server is None:
        return 2
    kafka = KafkaSettings(
        bootstrap_servers=kafka_servers(),
        topic_prefix=scratch_prefix("conv"),
    )
    urls = [databases.create_database(server, prefix="sb_conv_bench") for _ in range(4)]
    try:
        for url in urls:
            upgrade(cli.MIGRATIONS, url)
        with CpuMeter() as cpu:
            e2e = run_as_served(inbound(kafka, urls[0], count))
        one = raw_inserts(urls[1], count, per_transaction=1)
        bulk = raw_inserts(urls[2], count, per_transaction=BATCH)
        print(f"inbound end to end: {e2e:,.0f} messages/s ({count} messages)")
        print(f"raw psycopg, one transaction per message: {one:,.0f} messages/s")
        print(f"raw psycopg, {BATCH} messages per transaction: {bulk:,.0f} messages/s")
        took = run_as_served(sweep_time(urls[3], stale))
        print(
            f"auto-resolve sweep: {stale:,} stale conversations in {took:.1f} s "
            f"({stale / took:,.0f}/s)"
        )
    finally:
        for url in urls:
            databases.drop_database(server, url)
    ceiling = f"the same rows, {BATCH} messages per transaction (psycopg executemany)"
    report(
        [
            Figure(
                "conversation",
                f"inbound messages/s end to end ({count})",
                e2e,
                "/s",
                ceiling=bulk,
                ceiling_name=ceiling,
                goal=2000,
                ratio_goal=0.5,
                client_cpu=cpu.share,
                note="service in the same process as the publisher",
            ),
            Figure(
                "conversation",
                "same rows, one transaction per message",
                one,
                "/s",
                note="the old denominator",
            ),
            Figure(
                "conversation",
                f"same rows, {BATCH} messages per transaction",
                bulk,
                "/s",
                note="the database's limit for this workload",
            ),
            Figure(
                "conversation",
                f"auto-resolve sweep of {stale:,} stale",
                took,
                "s",
                better="lower",
                goal=15 * stale / 100_000,
            ),
            Figure(
                "conversation", "auto-resolve sweep rate", stale / took, "/s", goal=100_000 / 15
            ),
        ]
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
