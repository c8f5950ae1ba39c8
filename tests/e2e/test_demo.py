"""The seed article's story, as `make demo` tells it, against the whole system started as
separate processes: the demo script must finish with exit code 0."""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from switchboard_testing.system import System

pytestmark = pytest.mark.e2e

DEMO = Path(__file__).resolve().parents[2] / "scripts" / "demo.py"


def test_the_demo_tells_the_whole_story(system: System) -> None:
    started = time.monotonic()
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [
            sys.executable,
            str(DEMO),
            "--access",
            system.access.base_url,
            "--channel",
            system.channel.base_url,
            "--conversation",
            system.conversation.base_url,
            "--twitter",
            system.twitter.base_url,
            "--kafka",
            system.kafka_bootstrap_servers,
            "--topic-prefix",
            system.topic_prefix,
        ],
        capture_output=True,
        text=True,
        timeout=150,
        check=False,
    )
    print(f"demo took {time.monotonic() - started:.1f}s")  # noqa: T201
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}\n{system.logs()}"
    assert "The story holds" in result.stdout
    # Every step the article describes was told.
    for step in (
        "Add Channel",
        "Edit the channel",
        "Team access",
        "All Users",
        "New queue",
        "Reports",
    ):
        assert step in result.stdout, step
