# ruff: noqa: INP001, T201 - a script beside the service that prints its report
"""Benchmark: signed webhook deliveries against a running ingest-svc, beside two ceilings
measured in the same run on the same machine.

    uv run python services/ingest-svc/bench/deliveries.py [--deliveries 3000] [--concurrency 32]

1. ingest-svc as its own process (`python -m switchboard_ingest`: uvicorn, real Kafka,
   scratch topics under a `bench-ingest-` prefix, deleted at the end); only 200 answers
   count as accepted.
2. The HTTP ceiling: `bare_asgi.py`, an ASGI endpoint that reads the body and answers 200,
   under the same uvicorn, driven by the same load generator with the same requests.
3. The Kafka ceiling: a bare aiokafka producer (idempotent, acks=all, like ingest's),
   in this process, sending the very records ingest writes for each delivery and
   awaiting their acks, with as many deliveries in flight.

ingest-svc is driven at `--concurrency` and again at `--wide-concurrency` in flight
(a burst: every delivery must still be accepted). Load generator: `wrk` (one thread)
when it is installed (`apt-get install wrk`), else httpx in this process, which saturates
long before uvicorn does and so understates the ceiling. `--deliveries` distinct signed
deliveries (cycled by wrk); each target gets a warm-up, then at most `--seconds` measured.
Each load generator's CPU is reported beside its figures. Loopback only.
Needs Kafka (`make infra`).
"""

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
from aiokafka import AIOKafkaProducer

from switchboard_contracts.topics import Topic
from switchboard_ingest.domain.deliveries import decode_body, parse_delivery
from switchboard_ingest.service_layer.receive_delivery import delivery_records
from switchboard_platform.http.serve import run_as_served
from switchboard_platform.kafka.broker import producer_options
from switchboard_platform.kafka.naming import physical_name
from switchboard_platform.settings import KafkaSettings
from switchboard_testing.bench import Figure, kafka_servers, report, scratch_prefix, scratch_topics
from switchboard_testing.processes import free_port, service_process

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import SECRET, Result, drive, httpx_target, signed_deliveries, wrk_target

HERE = Path(__file__).resolve().parent
PREFIX = scratch_prefix("ingest")


async def kafka_target(servers: str, work: list[bytes], args: argparse.Namespace) -> Result:
    def topic(t: Topic) -> str:
        return physical_name(t, PREFIX)

    records = {}
    for body in work:
        parsed = parse_delivery(decode_body(body), correlation_id=uuid.uuid4())
        records[body] = delivery_records(parsed, body, datetime.now(UTC), topic)
    producer = AIOKafkaProducer(
        bootstrap_servers=servers, **producer_options(KafkaSettings(bootstrap_servers=servers))
    )
    await producer.start()
    try:

        async def one(body: bytes) -> bool:
            sent = [
                await producer.send(r.topic, r.value, key=r.key.encode()) for r in records[body]
            ]
            await asyncio.gather(*sent)
            return True

        return await drive("bare aiokafka producer (same records)", work, one, args)
    finally:
        await producer.stop()


@contextmanager
def bare_server(port: int) -> Iterator[str]:
    process = subprocess.Popen([sys.executable, str(HERE / "bare_asgi.py"), str(port)])  # noqa: S603
    url = f"http://127.0.0.1:{port}/webhooks/twitter"
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


async def main(args: argparse.Namespace) -> None:
    servers = kafka_servers()
    async with scratch_topics(servers, PREFIX):
        await measure(servers, args)


async def measure(servers: str, args: argparse.Namespace) -> None:
    work = signed_deliveries(args.warmup + args.deliveries)
    generator = "wrk" if shutil.which("wrk") and args.generator != "httpx" else "httpx"
    wide = argparse.Namespace(**{**vars(args), "concurrency": args.wide_concurrency})

    async def http(name: str, url: str, how: argparse.Namespace) -> Result:
        if generator == "wrk":
            return await asyncio.to_thread(wrk_target, name, url, work, how)
        return await httpx_target(name, url, work, how)

    port = free_port()
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": servers,
        "KAFKA_TOPIC_PREFIX": PREFIX,
        "SB_INGEST_TWITTER_CONSUMER_SECRET": SECRET,
        "SB_INGEST_PORT": str(port),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
    }
    url = f"http://127.0.0.1:{port}/webhooks/twitter"
    with (
        tempfile.TemporaryDirectory() as logs,
        service_process("ingest-svc", "switchboard_ingest", port=port, env=env, log_dir=Path(logs)),
    ):
        ingest = await http(f"ingest-svc, {args.concurrency} in flight", url, args)
        ingest_wide = await http(f"ingest-svc, {wide.concurrency} in flight", url, wide)
    with bare_server(free_port()) as bare_url:
        bare = await http("bare ASGI 200 (same uvicorn)", bare_url, args)
    kafka = await kafka_target(servers, work, args)

    print(
        f"\n{args.seconds} s per target after a warm-up, {os.cpu_count()} CPUs, loopback;"
        f" HTTP load generator: {generator}"
    )
    print(f"{'target':<38} {'deliv/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for result in (ingest, ingest_wide, bare, kafka):
        print(result.line())
    flight = f"{args.concurrency} in flight"
    producer = f"bare aiokafka producer, same records, {flight}"
    report(
        [
            Figure(
                "ingest",
                f"deliveries/s, {flight}",
                ingest.rate,
                "/s",
                ceiling=kafka.rate,
                ceiling_name=producer,
                goal=3000,
                ratio_goal=0.6,
                client_cpu=ingest.client_cpu,
                note=generator,
            ),
            Figure(
                "ingest",
                f"p99, {flight}",
                ingest.p99_ms,
                "ms",
                better="lower",
                ceiling=kafka.p99_ms,
                ceiling_name=producer,
                goal=50,
                client_cpu=ingest.client_cpu,
            ),
            Figure(
                "ingest",
                f"p50, {flight}",
                ingest.p50_ms,
                "ms",
                better="lower",
                ceiling=kafka.p50_ms,
                ceiling_name=producer,
            ),
            Figure(
                "ingest",
                f"failed deliveries, {flight}",
                ingest.failed,
                "",
                better="lower",
                goal=0,
                note=f"of {ingest.accepted + ingest.failed}",
            ),
            Figure(
                "ingest",
                f"deliveries/s, {wide.concurrency} in flight",
                ingest_wide.rate,
                "/s",
                client_cpu=ingest_wide.client_cpu,
            ),
            Figure(
                "ingest",
                f"p99, {wide.concurrency} in flight",
                ingest_wide.p99_ms,
                "ms",
                better="lower",
                client_cpu=ingest_wide.client_cpu,
            ),
            Figure(
                "ingest",
                f"failed deliveries, {wide.concurrency} in flight",
                ingest_wide.failed,
                "",
                better="lower",
                goal=0,
                note=f"of {ingest_wide.accepted + ingest_wide.failed}",
            ),
            Figure(
                "ingest",
                f"bare ASGI deliveries/s, {flight}",
                bare.rate,
                "/s",
                client_cpu=bare.client_cpu,
                note="the HTTP ceiling",
            ),
            Figure(
                "ingest",
                f"bare producer deliveries/s, {flight}",
                kafka.rate,
                "/s",
                client_cpu=kafka.client_cpu,
                note="the Kafka ceiling",
            ),
            Figure("ingest", f"bare producer p99, {flight}", kafka.p99_ms, "ms", better="lower"),
        ]
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--deliveries", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--wide-concurrency", type=int, default=256)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--seconds", type=int, default=10, help="measured time per target")
    parser.add_argument("--generator", choices=("auto", "wrk", "httpx"), default="auto")
    run_as_served(main(parser.parse_args()))  # the bare producer runs here, as in a service
