# ruff: noqa: INP001, T201 - a script, run by path, that prints its figures
"""End to end: a signed webhook POST to ingest-svc until its conversation's event is on
conversations.v1, at a steady rate, with ingest-svc and conversation-svc each its own
process over the real broker and database (as in production, loopback only).

    uv run python bench/end_to_end.py [--rate 200] [--seconds 60]

Each delivery is a new customer's first tweet or message, so it makes one
`conversation.created`; its latency runs from the start of the POST to the moment a
consumer of conversations.v1 holds that event. The deliveries are sent open-loop (one
every 1/rate s, whatever the answers), so a slow service shows as latency, not as a lower
offered rate. Scratch database and topics (`bench-e2e-`), dropped and deleted at the end.
Needs KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL (`eval "$(deploy/infra.sh env)"`).
"""

import argparse
import asyncio
import json
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

import aiohttp
from aiokafka import AIOKafkaConsumer

from switchboard_contracts.topics import CHANNELS, CONVERSATIONS
from switchboard_ingest.domain.signature import signature
from switchboard_platform.kafka.broker import EventPublisher, build_broker
from switchboard_platform.kafka.naming import physical_name
from switchboard_platform.settings import KafkaSettings
from switchboard_testing import databases
from switchboard_testing.bench import (
    CpuMeter,
    Figure,
    database_server,
    kafka_servers,
    percentile,
    report,
    scratch_prefix,
    scratch_topics,
)
from switchboard_testing.builders import channel_snapshot
from switchboard_testing.processes import free_port, run_once, service_process

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "services" / "ingest-svc" / "bench"))
from load import BRAND, SECRET, signed_deliveries  # noqa: E402

WARMUP = 20


@contextmanager
def services(kafka: str, prefix: str, database: str, logs: Path) -> Iterator[str]:
    """conversation-svc and ingest-svc as processes; the ingest base URL."""
    common = {
        "KAFKA_BOOTSTRAP_SERVERS": kafka,
        "KAFKA_TOPIC_PREFIX": prefix,
        "LOG_LEVEL": "WARNING",
    }
    conversation = {
        **common,
        "DATABASE_URL": database,
        "SB_CONVERSATION_PORT": str(free_port()),
        "SB_CONVERSATION_CONSUMER_GROUP": f"bench-e2e-{uuid.uuid4().hex[:6]}",
        "SB_CONVERSATION_SWEEP_ENABLED": "false",
    }
    ingest = {
        **common,
        "SB_INGEST_TWITTER_CONSUMER_SECRET": SECRET,
        "SB_INGEST_PORT": str(free_port()),
    }
    run_once("switchboard_conversation", "migrate", env=conversation)
    with ExitStack() as stack:
        stack.enter_context(
            service_process(
                "conversation-svc",
                "switchboard_conversation",
                "serve",
                port=int(conversation["SB_CONVERSATION_PORT"]),
                env=conversation,
                log_dir=logs,
            )
        )
        service = stack.enter_context(
            service_process(
                "ingest-svc",
                "switchboard_ingest",
                port=int(ingest["SB_INGEST_PORT"]),
                env=ingest,
                log_dir=logs,
            )
        )
        yield service.base_url


class Arrivals:
    """Reads conversations.v1 and notes when each customer's conversation.created came."""

    def __init__(self, kafka: str, topic: str) -> None:
        self.at: dict[str, float] = {}
        self._consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=kafka,
            group_id=f"bench-e2e-{uuid.uuid4().hex}",
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )

    async def run(self) -> None:
        await self._consumer.start()
        try:
            while True:
                batch = await self._consumer.getmany(timeout_ms=100)
                now = time.perf_counter()
                for records in batch.values():
                    for record in records:
                        if not _created(record.headers):
                            continue
                        event = json.loads(record.value or b"{}")
                        customer = event["payload"]["conversation"]["customer"]["id"]
                        self.at.setdefault(customer, now)
        finally:
            await self._consumer.stop()

    async def wait_for(self, customers: list[str], within: float) -> None:
        async with asyncio.timeout(within):
            while any(c not in self.at for c in customers):  # noqa: ASYNC110 - polling
                await asyncio.sleep(0.05)


def _created(headers: Sequence[tuple[str, bytes]]) -> bool:
    # The header says the type: only the events looked for are parsed.
    return tuple(v for k, v in headers if k == "event-type") == (b"conversation.created",)


def signed(work: list[bytes]) -> dict[bytes, tuple[str, dict[str, str]]]:
    """Each delivery's customer and headers, signed before the clock starts (the client's
    time is not the services')."""
    return {
        body: (
            customer_of(body),
            {
                "content-type": "application/json",
                "x-twitter-webhooks-signature": signature(SECRET, body),
            },
        )
        for body in work
    }


def customer_of(body: bytes) -> str:
    envelope = json.loads(body)
    if "direct_message_events" in envelope:
        return str(envelope["direct_message_events"][0]["message_create"]["sender_id"])
    return str(envelope["tweet_create_events"][0]["user"]["id_str"])


async def connect_brand(kafka: KafkaSettings) -> None:
    """The brand's channel, as channel-svc would announce it."""
    broker = build_broker(kafka, client_id="bench-e2e")
    await broker.start()
    try:
        snapshot = channel_snapshot(account_id=BRAND.id)
        await EventPublisher(broker, kafka).publish(
            CHANNELS, snapshot, key=str(snapshot.payload.channel_id)
        )
    finally:
        await broker.stop()


async def measure(kafka: KafkaSettings, ingest: str, args: argparse.Namespace) -> list[Figure]:
    await connect_brand(kafka)
    count = int(args.rate * args.seconds)
    work = signed_deliveries(WARMUP + count, first_id=1_950_000_000_000_000_000)
    arrivals = Arrivals(kafka.bootstrap_servers, physical_name(CONVERSATIONS, kafka.topic_prefix))
    reading = asyncio.create_task(arrivals.run())
    prepared = signed(work)
    sent: dict[str, float] = {}
    failed = retried = 0
    # aiohttp, not httpx: at 200/s httpx's pool alone took most of a core, and a starved
    # client shows as latency the services never had.
    connector = aiohttp.TCPConnector(limit=256)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(ingest, connector=connector, timeout=timeout) as client:

        async def post(body: bytes) -> None:
            nonlocal failed, retried
            customer, headers = prepared[body]
            sent[customer] = time.perf_counter()
            for _ in range(3):  # as Twitter sends again what got no answer
                try:
                    async with client.post("/webhooks/twitter", data=body, headers=headers) as r:
                        await r.read()
                        status = r.status
                    break
                except (aiohttp.ClientError, TimeoutError):  # no answer, as httpx's TransportError
                    retried += 1
            else:
                failed += 1
                return
            if status != 200:  # noqa: PLR2004
                failed += 1

        try:
            # Until the channel is known and both services are warm: the first conversations.
            for body in work[:WARMUP]:
                await post(body)
            await arrivals.wait_for([prepared[b][0] for b in work[:WARMUP]], within=60)
            measured = work[WARMUP:]
            started = time.perf_counter()
            with CpuMeter() as cpu:
                posts = []
                for i, body in enumerate(measured):
                    await asyncio.sleep(max(0.0, started + i / args.rate - time.perf_counter()))
                    posts.append(asyncio.create_task(post(body)))
                await asyncio.gather(*posts)
                offered = len(measured) / (time.perf_counter() - started)
                customers = [prepared[b][0] for b in measured]
                await arrivals.wait_for(customers, within=120)
        finally:
            reading.cancel()
            await asyncio.gather(reading, return_exceptions=True)
    ms = sorted((arrivals.at[c] - sent[c]) * 1000 for c in customers)
    p50, p99 = percentile(ms, 0.5), percentile(ms, 0.99)
    print(
        f"webhook -> conversations.v1: {len(ms)} deliveries at {offered:.0f}/s offered:"
        f" p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {ms[-1]:.1f} ms; {failed} not 200,"
        f" {retried} sent again after a transport error;"
        f" client {cpu.share:.0%} of a core"
    )
    rate = f"{args.rate:g}/s for {args.seconds:g} s"
    return [
        Figure(
            "e2e",
            f"webhook -> conversations.v1 p50, {rate}",
            p50,
            "ms",
            better="lower",
            goal=30,
            client_cpu=cpu.share,
        ),
        Figure(
            "e2e",
            f"webhook -> conversations.v1 p99, {rate}",
            p99,
            "ms",
            better="lower",
            goal=150,
            client_cpu=cpu.share,
        ),
        Figure("e2e", "deliveries offered/s", offered, "/s", goal=args.rate * 0.95),
        Figure(
            "e2e",
            "deliveries not answered 200",
            failed,
            "",
            better="lower",
            goal=0,
            note=f"of {len(measured)}",
        ),
    ]


async def main(args: argparse.Namespace) -> int:
    server = database_server()
    if server is None:
        return 2
    kafka = KafkaSettings(
        bootstrap_servers=kafka_servers(),
        topic_prefix=scratch_prefix("e2e"),
    )
    database = databases.create_database(server, prefix="sb_e2e_bench")
    try:
        async with scratch_topics(kafka.bootstrap_servers, kafka.topic_prefix):
            with (
                tempfile.TemporaryDirectory() as logs,
                services(kafka.bootstrap_servers, kafka.topic_prefix, database, Path(logs)) as url,
            ):
                figures = await measure(kafka, url, args)
    finally:
        await asyncio.to_thread(databases.drop_database, server, database)
    report(figures)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=200, help="deliveries per second")
    parser.add_argument("--seconds", type=float, default=60)
    sys.exit(asyncio.run(main(parser.parse_args())))
