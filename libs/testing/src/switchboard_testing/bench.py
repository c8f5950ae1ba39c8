"""What every benchmark reports, in one shape, so `make bench` can put them in one table.

A benchmark measures a figure and, in the same run, its ceiling: what the same machine does
for the same work without the service's own cost (a bare endpoint, a bare producer, the
same rows in bulk). Goals are written beside each figure; the runner says whether they are
met, it never fails on them (timings are measured, not asserted).

A benchmark calls `report(figures)`: the figures are printed, and appended as JSON lines
to the file named by SB_BENCH_OUT when the runner set it.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal, Self

from aiokafka.admin import AIOKafkaAdminClient

from switchboard_contracts.topics import ALL_TOPICS, Topic
from switchboard_platform.kafka.topics import ensure_topics
from switchboard_testing.system import System, running_system

OUT_ENV = "SB_BENCH_OUT"


@dataclass(frozen=True)
class Figure:
    """One measured figure. `better` says which way is good: a rate is higher-is-better,
    a latency or a duration lower-is-better. `ratio` is figure / ceiling for the first,
    ceiling / figure for the second: 1.0 is at the ceiling, whichever the unit."""

    bench: str  # which benchmark, e.g. "ingest"
    name: str  # what, e.g. "deliveries/s, 32 in flight"
    value: float
    unit: str
    better: Literal["higher", "lower"] = "higher"
    ceiling: float | None = None
    ceiling_name: str = ""
    goal: float | None = None  # the absolute floor (higher) or cap (lower)
    ratio_goal: float | None = None  # the least ratio to the ceiling
    client_cpu: float | None = None  # the load generator's share of one core
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.ceiling is None or not self.ceiling or not self.value:
            return None
        if self.better == "higher":
            return self.value / self.ceiling
        return self.ceiling / self.value

    @property
    def met(self) -> bool | None:
        """None when no goal is written for this figure."""
        if self.goal is None and self.ratio_goal is None:
            return None
        ok = True
        if self.goal is not None:
            ok = self.value >= self.goal if self.better == "higher" else self.value <= self.goal
        if self.ratio_goal is not None:
            ok = ok and self.ratio is not None and self.ratio >= self.ratio_goal
        return ok

    def as_json(self) -> dict[str, object]:
        return asdict(self) | {"ratio": self.ratio, "met": self.met}


def report(figures: Iterable[Figure]) -> None:
    figures = list(figures)
    for figure in figures:
        ceiling = (
            f" (ceiling {figure.ceiling:,.1f}: {figure.ceiling_name})" if figure.ceiling else ""
        )
        cpu = (
            f" [client {figure.client_cpu:.0%} of a core]" if figure.client_cpu is not None else ""
        )
        sys.stdout.write(
            f"{figure.bench}: {figure.name}: {figure.value:,.1f} {figure.unit}{ceiling}{cpu}\n"
        )
    out = os.environ.get(OUT_ENV)
    if out:
        with open(out, "a", encoding="utf-8") as file:  # noqa: PTH123 - one append
            for figure in figures:
                file.write(json.dumps(figure.as_json()) + "\n")


class CpuMeter:
    """This process's CPU over a stretch of wall time, as a share of one core: the load
    generator's own cost, so a saturated client (near 100 %) is seen, not mistaken for the
    service's limit. Children (e.g. wrk) are counted when they were waited for."""

    def __init__(self) -> None:
        self._cpu = self._wall = 0.0
        self.share = 0.0

    def __enter__(self) -> Self:
        self._cpu, self._wall = _cpu_seconds(), time.perf_counter()
        return self

    def __exit__(self, *_: object) -> None:
        wall = time.perf_counter() - self._wall
        self.share = (_cpu_seconds() - self._cpu) / wall if wall else 0.0


class ProcessCpu:
    """Other processes' CPU over a stretch of wall time, each as a share of one core (from
    /proc: Linux): which service a benchmark saturates."""

    def __init__(self, pids: dict[str, int]) -> None:
        self._pids = pids
        self._start: dict[str, float] = {}
        self._wall = 0.0
        self.shares: dict[str, float] = {}

    def __enter__(self) -> Self:
        self._start = {name: _process_cpu_seconds(pid) for name, pid in self._pids.items()}
        self._wall = time.perf_counter()
        return self

    def __exit__(self, *_: object) -> None:
        wall = time.perf_counter() - self._wall
        self.shares = {
            name: (_process_cpu_seconds(pid) - self._start[name]) / wall if wall else 0.0
            for name, pid in self._pids.items()
        }

    def summary(self) -> str:
        return ", ".join(f"{name} {share:.0%}" for name, share in self.shares.items())


def _process_cpu_seconds(pid: int) -> float:
    # Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name): utime, stime.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def percentile(sorted_values: list[float], share: float) -> float:
    """The nearest-rank percentile of already sorted values (0.0 when there are none)."""
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * share))]


def kafka_servers() -> str:
    """The broker a benchmark uses: KAFKA_BOOTSTRAP_SERVERS, else the local one."""
    return os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")


def database_server() -> str | None:
    """The PostgreSQL server where a benchmark creates its scratch databases
    (DATABASE_URL); None, once it has said how to set it, when it is not set."""
    server = os.environ.get("DATABASE_URL")
    if not server:
        sys.stderr.write('set DATABASE_URL (e.g. eval "$(deploy/infra.sh env)")\n')
    return server or None


def scratch_prefix(name: str) -> str:
    """A topic prefix no other run uses, e.g. `bench-ingest-1a2b3c.`."""
    return f"bench-{name}-{uuid.uuid4().hex[:6]}."


@asynccontextmanager
async def scratch_topics(
    bootstrap_servers: str, prefix: str, topics: tuple[Topic, ...] = ALL_TOPICS
) -> AsyncIterator[str]:
    """The catalogue's topics under `prefix` for the benchmark, deleted afterwards."""
    await ensure_topics(bootstrap_servers, prefix=prefix, topics=topics)
    try:
        yield prefix
    finally:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="sb-bench")
        await admin.start()
        try:
            names = [name for name in await admin.list_topics() if name.startswith(prefix)]
            if names:
                await admin.delete_topics(names)
        finally:
            await admin.close()


@contextmanager
def whole_system(kafka: str, prefix: str, database_server_url: str) -> Iterator[System]:
    """The whole system as processes for a benchmark (`running_system`), its logs in a
    scratch folder, no sweep running under the figures."""
    with (
        tempfile.TemporaryDirectory() as logs,
        running_system(
            kafka_bootstrap_servers=kafka,
            topic_prefix=prefix,
            database_server_url=database_server_url,
            log_dir=Path(logs),
            sweep_enabled=False,
        ) as system,
    ):
        yield system


@dataclass(frozen=True)
class Load:
    """What a load generator measured: answers, failures (non-2xx or errors), latencies."""

    ok: int
    failed: int
    seconds: float
    p50_ms: float
    p99_ms: float
    client_cpu: float  # the generator's share of one core while measured

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0


_WRK_SCRIPT = """
local data = dofile(%(data)s)
local count = 0
request = function()
  count = count + 1
  local i = ((count - 1) %% #data.bodies) + 1
  return wrk.format("POST", nil, data.headers[i], data.bodies[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%f %%f\\n", summary.requests,
    e.status + e.connect + e.read + e.write + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(99)))
end
"""
WRK_WARMUP_SECONDS = 2
# wrk ends a run by dropping its connections with requests in flight. A run started at once
# after that saw ~1 % of its requests wait 1-2 s before the service even read them (the
# service's own request histogram stayed under 0.5 s; 2 s is wrk's timeout, so they
# "failed"), in about half of the back-to-back runs; with this pause first, in none of eight.
WRK_SETTLE_SECONDS = 3.0


def wrk_post(
    url: str,
    requests: list[tuple[bytes, dict[str, str]]],
    *,
    concurrency: int,
    seconds: float,
    warmup_seconds: float = WRK_WARMUP_SECONDS,
) -> Load:
    """POST the (body, headers) requests in turn with wrk (one thread, `concurrency`
    connections, a C load generator that stays far below a core where an in-process Python
    client saturates): a warm-up run, then `seconds` measured. Non-2xx answers fail."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.lua"
        bodies = ",".join(_lua(body) for body, _ in requests)
        headers = ",".join(
            "{" + ",".join(f"[{_lua(k.encode())}]={_lua(v.encode())}" for k, v in h.items()) + "}"
            for _, h in requests
        )
        data.write_text(f"return {{bodies = {{{bodies}}}, headers = {{{headers}}}}}\n")
        script = Path(tmp) / "bench.lua"
        script.write_text(_WRK_SCRIPT % {"data": _lua(str(data).encode())})
        line = ""
        for duration in (warmup_seconds, seconds):
            time.sleep(WRK_SETTLE_SECONDS)
            command = ["wrk", "-t1", f"-c{concurrency}", f"-d{max(1, round(duration))}s"]
            with CpuMeter() as cpu:  # wrk is a child: its CPU counts once waited for
                output = subprocess.run(  # noqa: S603 - wrk with our own script
                    [*command, "-s", str(script), url], capture_output=True, text=True, check=True
                ).stdout
            line = next(row for row in output.splitlines() if row.startswith("RESULT"))
    total, failed, micros, p50, p99 = (float(x) for x in line.split()[1:])
    return Load(int(total - failed), int(failed), micros / 1e6, p50 / 1000, p99 / 1000, cpu.share)


_PRINTABLE = range(32, 127)


def _lua(raw: bytes) -> str:
    """A Lua string literal for any bytes."""
    return (
        '"'
        + "".join(chr(b) if b in _PRINTABLE and b not in b'"\\' else f"\\{b:03d}" for b in raw)
        + '"'
    )
