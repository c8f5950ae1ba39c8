# ruff: noqa: INP001 - a script module beside the service
"""The benchmark's deliveries and its two load generators (wrk, or httpx in-process)."""

import argparse
import asyncio
import itertools
import json
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from switchboard_ingest.domain.signature import signature
from switchboard_testing.bench import CpuMeter, percentile, wrk_post
from switchboard_twitter_sim.domain.model import DirectMessage, Tweet, User
from switchboard_twitter_sim.domain.payloads.events import direct_message_envelope
from switchboard_twitter_sim.domain.payloads.tweets import tweet_create_envelope, tweet_object
from switchboard_twitter_sim.domain.text_entities import find_spans

SIGNATURE = "x-twitter-webhooks-signature"
SECRET = "bench-consumer-secret"  # noqa: S105 - the benchmark's own throwaway secret
BRAND = User("4100000001", "BenchBrand", "Bench Brand", datetime(2020, 1, 1, tzinfo=UTC))
LONG = " ".join(["My order has not arrived and the tracking page says nothing at all."] * 3)


@dataclass(frozen=True)
class Result:
    name: str
    accepted: int
    failed: int
    seconds: float
    p50_ms: float
    p99_ms: float
    client_cpu: float = 0.0  # the load generator's share of one core while measured

    @property
    def rate(self) -> float:
        return self.accepted / self.seconds

    def line(self) -> str:
        return (
            f"{self.name:<38} {self.rate:>8.0f} {self.p50_ms:>8.1f} {self.p99_ms:>8.1f}"
            f"   {self.accepted} accepted, {self.failed} failed, {self.seconds:.1f} s,"
            f" client {self.client_cpu:.0%} of a core"
        )


def signed_deliveries(count: int, *, first_id: int = 1_900_000_000_000_000_000) -> list[bytes]:
    """Customer-facing deliveries as the simulator builds them (a mention, a long tweet in
    compatibility mode, a direct message), each from a new customer with a new id."""
    now = datetime.now(UTC)
    bodies = []
    for i in range(count):
        unique = str(first_id + i)
        customer = User(str(5_000_000_000 + i), f"cust{i}", f"Customer {i}", now)
        kind = i % 3
        if kind == 2:  # noqa: PLR2004 - the third kind
            message = DirectMessage(unique, customer.id, BRAND.id, "Hello, any news?", now, ())
            envelope = direct_message_envelope(
                BRAND.id, message, sender=customer, recipient=BRAND, app=None
            )
        else:
            text = f"@{BRAND.screen_name} " + ("where is my parcel?" if kind == 0 else LONG)
            spans = find_spans(text, lambda name: BRAND if name == BRAND.screen_name else None)
            tweet = Tweet(unique, customer.id, text, now, spans)
            envelope = tweet_create_envelope(
                BRAND.id, tweet_object(tweet, customer, app=None), from_other_user=True
            )
        bodies.append(json.dumps(envelope).encode())
    return bodies


async def drive(
    name: str, work: list[bytes], one: Callable[[bytes], Awaitable[bool]], args: argparse.Namespace
) -> Result:
    """In-process driver, shaped like wrk: `concurrency` workers cycle through the deliveries
    for `seconds`, after the first `warmup` of them went through unmeasured."""
    for body in work[: args.warmup]:
        await one(body)
    todo = itertools.cycle(work[args.warmup :])
    latencies: list[float] = []
    failed = 0
    deadline = time.monotonic() + args.seconds

    async def worker() -> None:
        nonlocal failed
        for body in todo:
            if time.monotonic() > deadline:
                return
            started = time.perf_counter()
            if await one(body):
                latencies.append(time.perf_counter() - started)
            else:
                failed += 1

    started = time.monotonic()
    with CpuMeter() as cpu:
        await asyncio.gather(*(worker() for _ in range(args.concurrency)))
    seconds = time.monotonic() - started
    ms = sorted(x * 1000 for x in latencies) or [0.0]
    return Result(
        name,
        len(latencies),
        failed,
        seconds,
        statistics.median(ms),
        percentile(ms, 0.99),
        cpu.share,
    )


async def httpx_target(name: str, url: str, work: list[bytes], args: argparse.Namespace) -> Result:
    signed = {body: signature(SECRET, body) for body in work}
    limits = httpx.Limits(max_connections=args.concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:

        async def one(body: bytes) -> bool:
            headers = {SIGNATURE: signed[body]}
            response = await client.post(url, content=body, headers=headers)
            return response.status_code == 200  # noqa: PLR2004

        return await drive(name, work, one, args)


def wrk_target(name: str, url: str, work: list[bytes], args: argparse.Namespace) -> Result:
    """wrk cycling through the signed deliveries (after the warm-up ones)."""
    requests = [
        (body, {"content-type": "application/json", SIGNATURE: signature(SECRET, body)})
        for body in work[args.warmup :]
    ]
    load = wrk_post(url, requests, concurrency=args.concurrency, seconds=args.seconds)
    return Result(
        name, load.ok, load.failed, load.seconds, load.p50_ms, load.p99_ms, load.client_cpu
    )
