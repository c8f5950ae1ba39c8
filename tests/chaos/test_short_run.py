"""The short chaos run, part of `make test`: the same workload and checker as `make chaos`,
over ~2,000 messages, with each fault once (SIGKILL of every service process and of the
outbox relay, a broker restart, a database restart, a Twitter API outage). It brings its
own Kafka and PostgreSQL (it restarts them). A failure prints the report and the seed:
`make chaos SEED=<seed> SHORT=1` replays it."""

import os
import random
from pathlib import Path

import pytest

from switchboard_chaos.__main__ import short
from switchboard_chaos.run import render, run

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1200)]


def test_nothing_is_lost_and_nothing_is_done_twice_through_every_fault(tmp_path: Path) -> None:
    seed = int(os.environ.get("SB_CHAOS_SEED") or random.SystemRandom().randrange(10**6))
    report = run(short(seed, tmp_path / "chaos"))
    print(render(report))  # noqa: T201 - shown with -s, and in the failure below
    assert report.passed, render(report)
    assert len(report.hits) == 9  # one of each: six processes, the broker, the database, Twitter
    assert report.totals["messages_lost"] == report.totals["messages_duplicated"] == 0
    assert report.totals["messages_sent"] >= 2_000
