"""`python -m switchboard_contracts.export [--check] [--root PATH]`."""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import TextIO

from switchboard_contracts.export.paths import repo_root
from switchboard_contracts.export.plan import Plan, make_plan


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m switchboard_contracts.export",
        description="Write the event schemas, docs/events.md and docs/asyncapi.yaml from the "
        "topic catalogue, refusing schema changes that break consumers.",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if a generated file is out of date or a change breaks "
        "consumers",
    )
    parser.add_argument("--root", type=Path, default=repo_root(), help="the repository root")
    args = parser.parse_args(argv)
    root: Path = args.root
    plan = make_plan(root)
    if plan.refusals:
        _say(sys.stderr, "Refused: these changes to committed schemas break consumers:")
        for line in plan.refusals:
            _say(sys.stderr, f"  {line}")
        _say(sys.stderr, "A breaking change needs a new major version of the topic (<name>.v2).")
        return 1
    outdated = plan.outdated(root)
    if args.check:
        for path in outdated:
            _say(sys.stderr, f"out of date: {path}")
        if outdated:
            _say(sys.stderr, "Run `uv run python -m switchboard_contracts.export` and commit.")
            return 1
        _say(sys.stdout, "contracts: generated files are up to date")
        return 0
    _write(root, plan, outdated)
    return 0


def _write(root: Path, plan: Plan, outdated: Sequence[PurePosixPath]) -> None:
    for path, text in plan.files.items():
        target = root / path
        if path in outdated:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
            _say(sys.stdout, f"wrote {path}")
    for path in plan.stale:
        (root / path).unlink()
        _say(sys.stdout, f"deleted {path} (no longer generated)")
        if not any((root / path).parent.iterdir()):
            (root / path).parent.rmdir()


def _say(stream: TextIO, line: str) -> None:
    stream.write(line + "\n")
