# ruff: noqa: INP001, T201 - a script, run by path, that prints its table
"""`make bench`: every benchmark of the project, one after the other, on scratch databases
and topics; one table of figure, ceiling, ratio, goal and whether it is met; the same as
JSON under .run/bench/. It measures and never fails on a timing: it exits 0 when every
benchmark ran and produced its figures, 1 otherwise.

    uv run --frozen python bench/run.py [--smoke] [--only ingest,access,...]

`--smoke`: tiny sizes, to check that every benchmark runs and reports (seconds, not minutes).
Needs KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL (`eval "$(deploy/infra.sh env)"`).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / ".run" / "bench"


@dataclass(frozen=True)
class Bench:
    name: str
    script: str
    full: tuple[str, ...]
    smoke: tuple[str, ...]
    figures: int  # how many figures a run reports


BENCHES = (
    Bench(
        "ingest",
        "services/ingest-svc/bench/deliveries.py",
        ("--seconds", "10"),
        ("--seconds", "1", "--deliveries", "60", "--warmup", "10", "--wide-concurrency", "64"),
        10,
    ),
    Bench(
        "conversation",
        "services/conversation-svc/bench/inbound_and_sweep.py",
        (),
        ("--messages", "100", "--stale", "500"),
        5,
    ),
    Bench(
        "access",
        "services/access-svc/bench/check_latency.py",
        (),
        ("--checks", "200", "--warmup", "20", "--users", "20", "--channels", "4"),
        6,
    ),
    Bench(
        "growth",
        "services/conversation-svc/bench/growth.py",
        (),
        ("--sizes", "100,300,1000", "--requests", "30", "--channels", "3"),
        12,  # four reads at three sizes
    ),
    Bench(
        "workers",
        "services/conversation-svc/bench/workers.py",
        (),
        ("--messages", "200"),
        2,  # one process, two processes
    ),
    Bench(
        "e2e",
        "bench/end_to_end.py",
        (),
        ("--rate", "20", "--seconds", "2"),
        4,
    ),
    Bench(
        "reply",
        "bench/reply.py",
        (),
        ("--rate", "10", "--seconds", "2", "--conversations", "10"),
        5,
    ),
)


def run(bench: Bench, *, smoke: bool, out: Path) -> tuple[list[dict[str, object]], str]:
    """Run one benchmark; its figures, and '' or why it did not produce them all."""
    args = bench.smoke if smoke else bench.full
    env = {**os.environ, "SB_BENCH_OUT": str(out)}
    started = time.monotonic()
    print(f"\n=== {bench.name}: {bench.script} {' '.join(args)}", flush=True)
    completed = subprocess.run(  # noqa: S603 - our own interpreter and scripts
        [sys.executable, str(ROOT / bench.script), *args], env=env, check=False
    )
    print(f"=== {bench.name}: {time.monotonic() - started:.0f} s, exit {completed.returncode}")
    figures = [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []
    problem = ""
    if completed.returncode != 0:
        problem = f"exited {completed.returncode}"
    elif len(figures) < bench.figures:
        problem = f"{len(figures)} of {bench.figures} figures"
    return figures, problem


def table(figures: list[dict[str, object]]) -> str:
    rows = [("figure", "value", "ceiling", "ratio", "goal", "met", "client CPU")]
    for f in figures:
        sign = ">=" if f["better"] == "higher" else "<="
        goals = []
        if f["goal"] is not None:
            goals.append(f"{sign} {_num(f['goal'])}")
        if f["ratio_goal"] is not None:
            goals.append(f"ratio >= {f['ratio_goal']}")
        met = {True: "yes", False: "NO", None: ""}[f["met"]]  # type: ignore[index]
        rows.append(
            (
                f"{f['bench']}: {f['name']}",
                f"{_num(f['value'])} {f['unit']}".strip(),
                "" if f["ceiling"] is None else f"{_num(f['ceiling'])}",
                "" if f["ratio"] is None else f"{f['ratio']:.2f}",
                ", ".join(goals),
                met,
                "" if f["client_cpu"] is None else f"{f['client_cpu']:.0%}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def _num(value: object) -> str:
    number = float(value)  # type: ignore[arg-type]
    return f"{number:,.0f}" if abs(number) >= 100 or number == int(number) else f"{number:,.1f}"  # noqa: PLR2004


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: does it all run?")
    parser.add_argument("--only", default="", help="comma-separated benchmark names")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args()
    chosen = [b for b in BENCHES if not args.only or b.name in args.only.split(",")]
    load_before = os.getloadavg()
    figures: list[dict[str, object]] = []
    problems: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for bench in chosen:
            found, problem = run(bench, smoke=args.smoke, out=Path(tmp) / f"{bench.name}.jsonl")
            figures += found
            if problem:
                problems[bench.name] = problem
    load_after = os.getloadavg()
    print("\n" + table(figures))
    loads = f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after"
    print(f"\n{os.cpu_count()} CPUs; {loads}")
    for name, problem in problems.items():
        print(f"benchmark {name} did not complete: {problem}")
    args.results.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    result = {
        "at": stamp,
        "smoke": args.smoke,
        "cpus": os.cpu_count(),
        "load_average": {"before": load_before, "after": load_after},
        "figures": figures,
        "problems": problems,
    }
    path = args.results / f"{stamp}{'-smoke' if args.smoke else ''}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    (args.results / "latest.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
