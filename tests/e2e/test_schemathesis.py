"""Schemathesis against every service's OpenAPI, served by the running system, with an
admin token of an organization that has data (a channel, an agent, a team, a topic, a
conversation). Examples are bounded so it stays within a couple of minutes. Checks: no
server error, every response matches its documented schema and status code.

A failure prints schemathesis' own report, with a `curl` that reproduces each case.
"""

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from switchboard_testing.system import System
from switchboard_twitter_sim.client import SimulatorClient

from .support import Org, unique

pytestmark = pytest.mark.e2e

CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance"
MAX_EXAMPLES = 15
SEED = 14  # the same cases on every run: a failure reproduces


@pytest.fixture(scope="module")
def admin_token(system: System) -> str:
    async def prepare() -> str:
        async with Org(system) as org, SimulatorClient(system.twitter.base_url) as sim:
            staffed = await org.staffed_channel(sim)
            customer = await sim.create_user(unique("fuzz"))
            await sim.mention(customer, staffed.brand, "hello, fuzz")
            conversation = await org.conversation_of(staffed.channel_id, customer, org.admin)
            team = await org.access.post("/v1/teams", json={"name": "Fuzz"}, headers=org.admin)
            topic = await org.conversations.post(
                "/v1/topics", json={"name": "Billing"}, headers=org.admin
            )
            for response in (team, topic):
                assert response.status_code == 201, response.text
            assert conversation["id"]
            return org.admin["authorization"]

    return asyncio.run(prepare())


@pytest.mark.parametrize("service", ["access", "channel", "conversation", "ingest"])
def test_schemathesis_finds_nothing(
    system: System, admin_token: str, service: str, tmp_path: Path
) -> None:
    base_url = getattr(system, service).base_url
    command = [
        str(Path(sys.executable).with_name("st")),
        "run",
        f"{base_url}/openapi.json",
        "--url",
        base_url,
        "--header",
        f"authorization: {admin_token}",
        "--checks",
        CHECKS,
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--workers",
        "1",
        "--request-timeout",
        "10",
        "--report-dir",
        str(tmp_path),
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
    summary = run.stdout[-6000:]
    sys.stdout.write(f"\n--- schemathesis {service}-svc\n{summary}\n")
    assert run.returncode == 0, f"{summary}\n{run.stderr[-2000:]}\n{system.logs(20)}"
