# ruff: noqa: INP001, T201 - a script, run by path, that prints its figures
"""An agent's reply until Twitter has it: POST /v1/conversations/{id}/replies to
conversation-svc until the simulator records the brand's tweet, through replies.requested.v1
and channel-svc's call to the Twitter API, with the whole system running as separate
processes over the real broker and databases (loopback only).

    uv run python bench/reply.py [--rate 30] [--seconds 30] [--conversations 100]

Set-up goes through the public interfaces: an organization, its admin and an agent
(Contributor), a brand connected by OAuth on the simulator, and `--conversations`
customers whose mentions make as many conversations. Then the agent replies open-loop (one
every 1/rate s, whatever the answers), round the conversations, each reply with its own
token. A reply's latency runs from the start of its POST to the `created_at` the simulator
gives the tweet (one clock: the same machine); the POST's own answer (202) is reported
beside it. The brand's tweet limit is raised on the simulator so that Twitter's 100 a
window does not end the run. Scratch databases and topics (`bench-reply-`), dropped and
deleted at the end. Needs KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL
(`eval "$(deploy/infra.sh env)"`).
"""

import argparse
import asyncio
import re
import sys
import time
from typing import Any

import aiohttp

from switchboard_testing.bench import (
    CpuMeter,
    Figure,
    ProcessCpu,
    database_server,
    kafka_servers,
    percentile,
    report,
    scratch_prefix,
    scratch_topics,
    whole_system,
)
from switchboard_testing.organization import Org, StaffedChannel, unique
from switchboard_testing.system import System
from switchboard_twitter_sim.client import SimulatorClient
from switchboard_twitter_sim.control_models import SimUser

TOKEN = re.compile(r"\br\d{7}\b")  # each reply's own, after the @handle Twitter puts first
WARMUP = 10  # replies before the clock: connections, caches, the first token decrypt


async def conversations(
    org: Org, sim: SimulatorClient, channel: StaffedChannel, n: int
) -> list[str]:
    """`n` customers mention the brand; their conversations' ids once all are listed."""
    brand, channel_id, _, as_agent = channel
    for i in range(n):
        customer = await sim.create_user(unique(f"c{i}"))
        await sim.mention(customer, brand, f"help please, order {i}")
    deadline = time.monotonic() + 120
    while True:
        found: list[str] = []
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"queue": "new", "limit": 200}
            if cursor:
                params["cursor"] = cursor
            page = await org.conversations.get(
                f"/v1/channels/{channel_id}/conversations", params=params, headers=as_agent
            )
            page.raise_for_status()
            body = page.json()
            found += [item["id"] for item in body["items"]]
            cursor = body["next_cursor"]
            if not cursor:
                break
        if len(found) >= n or time.monotonic() > deadline:
            if len(found) < n:
                raise RuntimeError(f"{len(found)} of {n} conversations after 120 s")
            return found
        await asyncio.sleep(0.2)


async def measure(system: System, args: argparse.Namespace) -> list[Figure]:
    async with Org(system) as org, SimulatorClient(system.twitter.base_url) as sim:
        staffed = await org.staffed_channel(sim)
        brand, as_agent = staffed.brand, staffed.as_agent
        await sim.set_rate_limit("tweets", limit=1_000_000, window_seconds=900)
        ids = await conversations(org, sim, staffed, args.conversations)
        count = int(args.rate * args.seconds)
        started_at: dict[str, float] = {}  # token -> wall clock at the POST's start
        answered: list[float] = []
        refused: list[str] = []
        connector = aiohttp.TCPConnector(limit=256)
        timeout = aiohttp.ClientTimeout(total=30)
        base = system.conversation.base_url
        async with aiohttp.ClientSession(base, connector=connector, timeout=timeout) as client:

            async def reply(i: int) -> None:
                token = f"r{i:07d}"
                path = f"/v1/conversations/{ids[i % len(ids)]}/replies"
                body = {"text": f"{token} thanks, we are on it"}
                started_at[token] = time.time()
                began = time.perf_counter()
                async with client.post(path, json=body, headers=as_agent) as response:
                    text = await response.text()
                    status = response.status
                answered.append((time.perf_counter() - began) * 1000)
                if status != 202:  # noqa: PLR2004
                    refused.append(f"{status} {text[:200]}")

            for i in range(WARMUP):
                await reply(i)
            await _until_sent(sim, brand, {f"r{i:07d}" for i in range(WARMUP)}, within=60)
            answered.clear()
            measured = range(WARMUP, WARMUP + count)
            clock = time.perf_counter()
            pids = {s.name: s.process.pid for s in system.services}
            with CpuMeter() as cpu, ProcessCpu(pids) as services:
                posts = []
                for n, i in enumerate(measured):
                    await asyncio.sleep(max(0.0, clock + n / args.rate - time.perf_counter()))
                    posts.append(asyncio.create_task(reply(i)))
                await asyncio.gather(*posts)
                offered = count / (time.perf_counter() - clock)
            if refused:
                raise RuntimeError(f"{len(refused)} replies refused, e.g. {refused[0]}")
            tokens = {f"r{i:07d}" for i in measured}
            # However far behind the sending falls, every reply must arrive: a run that loses
            # one reports no figures.
            tweeted = await _until_sent(sim, brand, tokens, within=120 + count / 5)
    ms = sorted((tweeted[t] - started_at[t]) * 1000 for t in tokens)
    # Throughput whether or not the sending kept up: replies over first POST to last tweet.
    delivered = len(tokens) / (max(tweeted.values()) - min(started_at[t] for t in tokens))
    accepted = sorted(answered)
    p50, p99 = percentile(ms, 0.5), percentile(ms, 0.99)
    print(
        f"reply -> Twitter: {len(ms)} replies at {offered:.0f}/s offered over {len(ids)}"
        f" conversations, {delivered:.0f}/s delivered"
        f": p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {ms[-1]:.1f} ms;"
        f" 202 after p50 {percentile(accepted, 0.5):.1f} ms, p99"
        f" {percentile(accepted, 0.99):.1f} ms; client {cpu.share:.0%} of a core;"
        f" services (share of a core): {services.summary()}"
    )
    rate = f"{args.rate:g}/s for {args.seconds:g} s"
    return [
        Figure(
            "reply",
            f"reply -> Twitter p50, {rate}",
            p50,
            "ms",
            better="lower",
            client_cpu=cpu.share,
        ),
        Figure(
            "reply",
            f"reply -> Twitter p99, {rate}",
            p99,
            "ms",
            better="lower",
            client_cpu=cpu.share,
        ),
        Figure(
            "reply",
            "reply accepted (202) p99",
            percentile(accepted, 0.99),
            "ms",
            better="lower",
            client_cpu=cpu.share,
        ),
        Figure("reply", "replies offered/s", offered, "/s", goal=args.rate * 0.95),
        Figure(
            "reply",
            "replies delivered to Twitter/s",
            delivered,
            "/s",
            goal=args.rate * 0.95,
            note="kept up with the offered rate when met",
        ),
    ]


async def _until_sent(
    sim: SimulatorClient, brand: SimUser, tokens: set[str], within: float
) -> dict[str, float]:
    """When the simulator recorded each token's tweet (epoch seconds), once all are there."""
    deadline = time.monotonic() + within
    while True:
        seen = {
            found.group(): tweet.created_at.timestamp()
            for tweet in (await sim.sent(brand)).tweets
            if (found := TOKEN.search(tweet.text))
        }
        missing = tokens - seen.keys()
        if not missing:
            return {t: seen[t] for t in tokens}
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"{len(missing)} of {len(tokens)} replies never reached Twitter"
                f" (it has {len(seen)} of ours)"
            )
        await asyncio.sleep(0.5)


async def main(args: argparse.Namespace) -> int:
    server = database_server()
    if server is None:
        return 2
    kafka = kafka_servers()
    async with scratch_topics(kafka, scratch_prefix("reply")) as prefix:
        with whole_system(kafka, prefix, server) as system:
            figures = await measure(system, args)
    report(figures)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=30, help="replies per second")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--conversations", type=int, default=100)
    sys.exit(asyncio.run(main(parser.parse_args())))
