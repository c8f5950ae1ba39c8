"""The faults: what hits, when (seeded), and what each did to the flow of messages.

Each fault is injected at its planned moment (or as soon as the one before it is over:
they never overlap, so each recovery time is its own), held for a while, then undone as a
platform would: a killed pod started again, the broker and the database back up, Twitter
answering again."""

import asyncio
import random
import time
from dataclasses import dataclass

from switchboard_chaos.cluster import KILLABLE, Cluster
from switchboard_chaos.infra import OwnInfra
from switchboard_chaos.monitor import EventMonitor
from switchboard_twitter_sim.client import SimulatorClient

OUTAGE_STATUSES = (503, 429, 500, 502)


@dataclass(frozen=True)
class Fault:
    kind: str  # kill, kafka, postgres, twitter
    target: str
    at: float  # planned, seconds into the workload
    hold: float  # seconds down before it is undone


@dataclass
class Hit:
    fault: Fault
    started: float  # the monitor's clock
    back: float  # undone: the part answers again
    wall_down: tuple[float, float]  # epoch seconds it was fully down (for the 503 check)
    recovery: float | None = None  # seconds from the hit until throughput returned


def plan(rng: random.Random, *, duration: float, kills_each: int) -> list[Fault]:
    kinds: list[tuple[str, str, float]] = [
        ("kill", name, rng.uniform(0.5, 3.0)) for name in KILLABLE for _ in range(kills_each)
    ]
    kinds += [
        # Longer than the producers' request timeout (15 s): records wait past it for a
        # leader, which once left every later send to their partitions refused.
        ("kafka", "kafka", rng.uniform(16.0, 24.0)),
        ("postgres", "postgres", rng.uniform(3.0, 8.0)),
        ("twitter", "twitter", rng.uniform(10.0, 20.0)),
    ]
    rng.shuffle(kinds)
    moments = sorted(rng.uniform(0.05 * duration, 0.8 * duration) for _ in kinds)
    return [
        Fault(kind, target, round(at, 2), round(hold, 2))
        for (kind, target, hold), at in zip(kinds, moments, strict=True)
    ]


@dataclass
class Injector:
    cluster: Cluster
    infra: OwnInfra
    sim: SimulatorClient
    monitor: EventMonitor

    async def run(self, faults: list[Fault], workload_started: float) -> list[Hit]:
        hits = []
        for fault in faults:
            wait = workload_started + fault.at - self.monitor.now()
            if wait > 0:
                await asyncio.sleep(wait)
            hits.append(await self.inject(fault))
        return hits

    async def inject(self, fault: Fault) -> Hit:
        started = self.monitor.now()
        down_from = time.time()
        if fault.kind == "kill":
            await asyncio.to_thread(self.cluster.kill, fault.target)
            await asyncio.sleep(fault.hold)
            down_until = time.time()
            await asyncio.to_thread(self.cluster.start, fault.target)
        elif fault.kind in ("kafka", "postgres"):
            stop, start = {
                "kafka": (self.infra.stop_kafka, self.infra.start_kafka),
                "postgres": (self.infra.stop_postgres, self.infra.start_postgres),
            }[fault.kind]
            await asyncio.to_thread(stop)
            down_from = time.time()  # fully down only once the stop returned
            await asyncio.sleep(fault.hold)
            down_until = time.time()
            await asyncio.to_thread(start)
        else:
            await self.sim.start_outage(fault.hold, OUTAGE_STATUSES)
            await asyncio.sleep(fault.hold)
            down_until = time.time()
        return Hit(fault, started, self.monitor.now(), (down_from, down_until))


def recovery_times(hits: list[Hit], monitor: EventMonitor, rate: float, end: float) -> None:
    """Throughput returned: the first whole second after the hit in which conversations.v1
    carried at least half the workload's rate of customer messages."""
    for hit in hits:
        second = int(hit.started) + 1
        while second <= end:
            if monitor.rate(second) >= rate / 2:
                hit.recovery = round(second - hit.started, 1)
                break
            second += 1
