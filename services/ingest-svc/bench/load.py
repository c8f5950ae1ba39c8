# ruff: noqa: INP001 - a script module beside the service
"""The benchmark's deliveries and its two load generators (wrk, or httpx in-process)."""

import argparse
import asyncio
import itertools
import json
import statistics
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from switchboard_ingest.domain.signature import signature
from switchboard_testing.twitter_samples import load_sample

SECRET = "bench-consumer-secret"  # noqa: S105 - the benchmark's own throwaway secret
# Customer-facing deliveries, each made unique (its tweet or DM id), as real traffic is.
MIX = (
    "aaa_tweet_create_reply_mention.json",
    "aaa_tweet_create_extended_tweet.json",
    "aaa_direct_message_with_media.json",
    "xaa_post_mention_create.json",
)


@dataclass(frozen=True)
class Result:
    name: str
    accepted: int
    failed: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def rate(self) -> float:
        return self.accepted / self.seconds

    def line(self) -> str:
        return (
            f"{self.name:<38} {self.rate:>8.0f} {self.p50_ms:>8.1f} {self.p99_ms:>8.1f}"
            f"   {self.accepted} accepted, {self.failed} failed, {self.seconds:.1f} s"
        )


def signed_deliveries(count: int) -> list[bytes]:
    samples = [load_sample(name) for name in MIX]
    bodies = []
    for i in range(count):
        body = json.loads(json.dumps(samples[i % len(samples)]))
        unique = str(1_900_000_000_000_000_000 + i)
        if "tweet_create_events" in body:
            body["tweet_create_events"][0]["id_str"] = unique
        elif "direct_message_events" in body:
            body["direct_message_events"][0]["id"] = unique
        else:
            body["data"]["payload"]["id"] = unique
        bodies.append(json.dumps(body).encode())
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
    await asyncio.gather(*(worker() for _ in range(args.concurrency)))
    seconds = time.monotonic() - started
    ms = sorted(x * 1000 for x in latencies) or [0.0]
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    return Result(name, len(latencies), failed, seconds, statistics.median(ms), p99)


async def httpx_target(name: str, url: str, work: list[bytes], args: argparse.Namespace) -> Result:
    signed = {body: signature(SECRET, body) for body in work}
    limits = httpx.Limits(max_connections=args.concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:

        async def one(body: bytes) -> bool:
            headers = {"x-twitter-webhooks-signature": signed[body]}
            response = await client.post(url, content=body, headers=headers)
            return response.status_code == 200  # noqa: PLR2004

        return await drive(name, work, one, args)


WRK_SCRIPT = """
local data = dofile(%(data)s)
local count = 0
request = function()
  count = count + 1
  local i = ((count - 1) %% #data.bodies) + 1
  return wrk.format("POST", nil, {["content-type"] = "application/json",
    ["x-twitter-webhooks-signature"] = data.signatures[i]}, data.bodies[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%f %%f\\n", summary.requests,
    e.status + e.connect + e.read + e.write + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(99)))
end
"""


WARMUP_SECONDS = 2


def wrk_target(name: str, url: str, work: list[bytes], args: argparse.Namespace) -> Result:
    """wrk, one thread, `concurrency` connections, cycling through the deliveries: a short
    warm-up run, then `seconds` measured. Non-2xx answers count as failed."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.lua"
        bodies = ",".join(_lua(body) for body in work[args.warmup :])
        signatures = ",".join(
            _lua(signature(SECRET, body).encode()) for body in work[args.warmup :]
        )
        data.write_text(f"return {{bodies = {{{bodies}}}, signatures = {{{signatures}}}}}\n")
        line = ""
        script = Path(tmp) / "bench.lua"
        script.write_text(WRK_SCRIPT % {"data": _lua(str(data).encode())})
        for seconds in (WARMUP_SECONDS, args.seconds):
            command = ["wrk", "-t1", f"-c{args.concurrency}", f"-d{seconds}s"]
            output = subprocess.run(  # noqa: S603 - wrk with our own script
                [*command, "-s", str(script), url], capture_output=True, text=True, check=True
            ).stdout
            line = next(row for row in output.splitlines() if row.startswith("RESULT"))
    requests, failed, micros, p50, p99 = (float(x) for x in line.split()[1:])
    accepted = int(requests - failed)
    return Result(name, accepted, int(failed), micros / 1e6, p50 / 1000, p99 / 1000)


PRINTABLE = range(32, 127)


def _lua(raw: bytes) -> str:
    """A Lua string literal for any bytes."""
    return (
        '"'
        + "".join(chr(b) if b in PRINTABLE and b not in b'"\\' else f"\\{b:03d}" for b in raw)
        + '"'
    )
