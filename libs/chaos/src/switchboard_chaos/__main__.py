"""`python -m switchboard_chaos [--seed N] [--short]`: one run, its report printed and
written to .run/chaos/report-<seed>.json; exit 1 when a check failed (replay with the seed)."""

import argparse
import random
import sys
from dataclasses import replace
from pathlib import Path

from switchboard_chaos.run import Options, render, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m switchboard_chaos")
    parser.add_argument("--seed", type=int, default=None, help="replay a run (default: random)")
    parser.add_argument("--short", action="store_true", help="2,000 messages, one fault of each")
    parser.add_argument("--messages", type=int, default=None)
    parser.add_argument("--rate", type=float, default=None)
    parser.add_argument("--run-dir", type=Path, default=Path(".run/chaos"))
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
    print(f"chaos: seed {seed} (replay: make chaos SEED={seed})", flush=True)  # noqa: T201
    options = short(seed, args.run_dir) if args.short else Options(seed, run_dir=args.run_dir)
    options = replace(
        options,
        messages=args.messages or options.messages,
        rate=args.rate or options.rate,
    )
    report = run(options)
    print(render(report))  # noqa: T201
    return 0 if report.passed else 1


def short(seed: int, run_dir: Path) -> Options:
    """What `make test` runs: the same faults, once each, over fewer messages."""
    return Options(seed, messages=2_000, rate=25.0, kills_each=1, customers=300, run_dir=run_dir)


if __name__ == "__main__":
    sys.exit(main())
