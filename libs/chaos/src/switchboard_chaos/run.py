"""One chaos run, start to end: own infrastructure, the system, the workload with the
faults, settling, the checker, the report."""

import asyncio
import contextlib
import json
import logging
import random
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

from switchboard_chaos.checker import (
    Findings,
    check_edge,
    check_fold,
    check_messages,
    check_replies,
    check_topics,
    read_api,
)
from switchboard_chaos.cluster import Cluster, build_cluster, start_all
from switchboard_chaos.faults import Hit, Injector, plan, recovery_times
from switchboard_chaos.infra import OwnInfra, Ports
from switchboard_chaos.monitor import EventMonitor
from switchboard_chaos.workload import Workload, set_up
from switchboard_platform.kafka.topics import ensure_topics
from switchboard_testing import databases
from switchboard_twitter_sim.client import SimulatorClient

SETTLE_WITHIN = 300.0  # seconds for the backlog to drain after the last message


@dataclass(frozen=True)
class Options:
    seed: int
    messages: int = 20_000
    rate: float = 80.0  # customer messages per second
    kills_each: int = 3
    reply_share: float = 0.1
    orgs: int = 2
    brands_per_org: int = 2
    customers: int = 2_000
    run_dir: Path = Path(".run/chaos")


@dataclass
class Report:
    options: dict[str, Any]
    hits: list[dict[str, Any]] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    checks: list[dict[str, Any]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    passed: bool = False
    warnings: dict[str, list[str]] = field(default_factory=dict)  # a failed run's logs, in short


def run(options: Options) -> Report:
    infra = OwnInfra(options.run_dir.resolve(), Ports())
    began = time.monotonic()
    infra.up()
    log_dir = options.run_dir.resolve() / "logs"
    shutil.rmtree(log_dir, ignore_errors=True)  # this run's logs only
    log_dir.mkdir(parents=True)
    # The monitor's client logs every failed fetch while the broker is down: expected here.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    asyncio.run(ensure_topics(infra.kafka_bootstrap_servers))
    cluster, dbs = build_cluster(
        kafka_bootstrap_servers=infra.kafka_bootstrap_servers,
        database_server_url=infra.database_server_url,
        log_dir=log_dir,
        consumer_group=f"chaos-{options.seed}",
    )
    try:
        start_all(cluster)
        report = asyncio.run(_drive(options, infra, cluster))
        report.seconds["total"] = round(time.monotonic() - began, 1)
        if not report.passed:
            report.warnings = cluster.warnings()
    except BaseException:
        print(cluster.log_tail())  # noqa: T201 - the report of a run that broke
        raise
    finally:
        cluster.stop()
        for url in dbs.values():
            with contextlib.suppress(Exception):
                databases.drop_database(infra.database_server_url, url)
        infra.down()
    out = options.run_dir / f"report-{options.seed}.json"
    out.write_text(json.dumps(asdict(report), indent=2, default=str))
    return report


async def _drive(options: Options, infra: OwnInfra, cluster: Cluster) -> Report:
    # One generator per concern, so that a replay draws the same numbers for each.
    plan_rng, send_rng, reply_rng = (random.Random(f"{options.seed}/{n}") for n in range(3))  # noqa: S311
    report = Report(options={k: str(v) for k, v in asdict(options).items()})
    monitor = EventMonitor(infra.kafka_bootstrap_servers)
    async with SimulatorClient(cluster.url("twitter-sim"), timeout=60) as sim:
        orgs = await set_up(
            sim=sim,
            access_url=cluster.url("access-svc"),
            channel_url=cluster.url("channel-svc"),
            conversation_url=cluster.url("conversation-api"),
            orgs=options.orgs,
            brands_per_org=options.brands_per_org,
            customers=options.customers,
            run_tag=f"{options.seed % 1000}",
        )
        monitor.start()
        workload = Workload(
            sim,
            orgs,
            monitor,
            send_rng,
            options.messages,
            options.rate,
            options.reply_share,
            reply_rng,
        )
        faults = plan(plan_rng, duration=workload.duration, kills_each=options.kills_each)
        injector = Injector(cluster, infra, sim, monitor)
        started = monitor.now()
        faults_done, agents_done = asyncio.Event(), asyncio.Event()
        agents = asyncio.create_task(
            workload.reply_as_agents(cluster.url("conversation-api"), agents_done)
        )

        async def inject() -> list[Hit]:
            try:
                return await injector.run(faults, started)
            finally:
                faults_done.set()

        hits, _ = await asyncio.gather(inject(), workload.send(faults_done))
        sent_by = monitor.now()
        await _settle(sim, monitor, len(workload.sent))
        agents_done.set()
        await agents
        await _settle_replies(cluster, workload)
        settled = monitor.now()
        recovery_times(hits, monitor, options.rate, settled)
        findings = Findings()
        view = await read_api(cluster.url("conversation-api"), orgs)
        check_messages(findings, workload.sent, view)
        await check_replies(findings, workload, view, sim)
        check_fold(findings, monitor.records, [str(o.id) for o in orgs], view)
        await check_topics(findings, infra.kafka_bootstrap_servers)
        await check_edge(findings, sim, hits)
        crashed = cluster.exits()
        findings.check("no process ended on its own", not crashed, f"{crashed or 'none'}")
        await monitor.stop()
    report.hits = [_hit(h) for h in hits]
    report.totals = findings.totals
    report.checks = [asdict(c) for c in findings.checks]
    busiest = max(monitor.inbound_per_second.values(), default=0)
    report.totals |= {"busiest_second": busiest}
    report.seconds |= {
        "workload": round(sent_by - started, 1),
        "settled_after": round(settled - sent_by, 1),
    }
    report.passed = findings.passed
    return report


async def _settle(sim: SimulatorClient, monitor: EventMonitor, sent: int) -> None:
    """Until Twitter has nothing left to deliver and conversations.v1 carries every
    message (or stops growing for 30 s: the checker then says what is missing)."""
    deadline = time.monotonic() + SETTLE_WITHIN
    last, still = -1, time.monotonic()
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            await sim.drain()
        seen = monitor.inbound_messages
        if seen >= sent:
            return
        if seen != last:
            last, still = seen, time.monotonic()
        elif time.monotonic() - still > 30:  # noqa: PLR2004
            return
        await asyncio.sleep(1)


async def _settle_replies(cluster: Cluster, workload: Workload) -> None:
    """Until no accepted reply waits for its result (or SETTLE_WITHIN)."""
    deadline = time.monotonic() + SETTLE_WITHIN
    agents = {str(o.id): o.agent for o in workload.orgs}
    async with httpx.AsyncClient(base_url=cluster.url("conversation-api"), timeout=30) as client:
        waiting = [r for r in workload.replies if r.message_id is not None]
        while waiting and time.monotonic() < deadline:
            still = []
            for reply in waiting:
                response = await client.get(
                    f"/v1/conversations/{reply.conversation_id}", headers=agents[reply.org_id]
                )
                messages = response.json().get("messages", []) if response.is_success else []
                states = {m["id"]: m["delivery_state"] for m in messages}
                if states.get(reply.message_id) in (None, "requested"):
                    still.append(reply)
            waiting = still
            if waiting:
                await asyncio.sleep(2)


def _hit(hit: Hit) -> dict[str, Any]:
    return {
        "kind": hit.fault.kind,
        "target": hit.fault.target,
        "planned_at_s": hit.fault.at,
        "hit_at_s": round(hit.started, 1),
        "down_s": round(hit.back - hit.started, 1),
        "recovery_s": hit.recovery,
    }


def render(report: Report) -> str:
    lines = [
        (
            f"chaos run, seed {report.options['seed']}: "
            f"{report.options['messages']} messages at {report.options['rate']}/s"
        ),
        "",
        f"{'fault':<10} {'target':<22} {'hit at s':>9} {'down s':>7} {'recovery s':>11}",
    ]
    for hit in report.hits:
        recovery = "-" if hit["recovery_s"] is None else f"{hit['recovery_s']:.1f}"
        lines.append(
            f"{hit['kind']:<10} {hit['target']:<22} {hit['hit_at_s']:>9.1f} "
            f"{hit['down_s']:>7.1f} {recovery:>11}"
        )
    lines += ["", "totals: " + ", ".join(f"{k} {v}" for k, v in report.totals.items()), ""]
    lines += [
        f"{'PASS' if c['passed'] else 'FAIL'}  {c['name']}: {c['detail']}" for c in report.checks
    ]
    for part, found in report.warnings.items():
        lines += ["", f"{part}'s most frequent warnings:", *(f"  {line}" for line in found)]
    lines += ["", f"seconds: {report.seconds}", "PASSED" if report.passed else "FAILED"]
    return "\n".join(lines)
