"""Schemathesis against every service's OpenAPI, served by the running system, with an
admin token of an organization that has data (a channel, an agent, a team, a topic, a
conversation). Examples are bounded so it stays within a couple of minutes. Checks: no
server error, every response matches its documented schema and status code.

A failure prints schemathesis' own report, with a `curl` that reproduces each case.
"""

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import pytest

from switchboard_testing.organization import Org, unique
from switchboard_testing.system import System
from switchboard_twitter_sim.client import SimulatorClient

pytestmark = pytest.mark.e2e

CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance"
MAX_EXAMPLES = 15
SEED = 14  # the same cases on every run: a failure reproduces


class Prepared(NamedTuple):
    token: str
    ids: dict[str, str]


def prepare(system: System) -> Prepared:
    """An organization of its own: what one run does to its data (schemathesis' stateful
    phase deactivates, renames and revokes) cannot change what another run sees."""

    async def build() -> Prepared:
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
            return Prepared(
                org.admin["authorization"],
                {
                    "channel": staffed.channel_id,
                    "conversation": conversation["id"],
                    "user": str(staffed.agent_id),
                    "team": team.json()["id"],
                },
            )

    return asyncio.run(build())


@pytest.fixture(scope="module")
def prepared(system: System) -> Prepared:
    return prepare(system)


@pytest.mark.parametrize("service", ["access", "channel", "conversation", "ingest"])
def test_schemathesis_finds_nothing(system: System, service: str, tmp_path: Path) -> None:
    prepared = prepare(system)
    base_url = getattr(system, service).base_url
    command = [
        str(Path(sys.executable).with_name("st")),
        "run",
        f"{base_url}/openapi.json",
        "--url",
        base_url,
        "--header",
        f"authorization: {prepared.token}",
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
    run = subprocess.run(  # noqa: S603 - our own arguments
        command, capture_output=True, text=True, timeout=600, check=False, cwd=tmp_path
    )  # cwd: schemathesis keeps a cache of its findings there, not in the repository
    summary = run.stdout[-6000:]
    sys.stdout.write(f"\n--- schemathesis {service}-svc\n{summary}\n")
    assert run.returncode == 0, f"{summary}\n{run.stderr[-2000:]}\n{system.logs(20)}"


NUL = "a\x00b"
# The issue's findings (each answered 500 before): NUL in text, and a boolean for a number.
FINDINGS: list[tuple[str, str, str, dict[str, Any] | str | None, dict[str, str], str]] = [
    ("conversation", "POST", "/v1/conversations/{conversation}/notes", {"text": NUL}, {}, "text"),
    ("conversation", "POST", "/v1/conversations/{conversation}/replies", {"text": NUL}, {}, "text"),
    ("conversation", "POST", "/v1/topics", {"name": NUL}, {}, "name"),
    # A lone surrogate, as JSON escapes it (no client would encode it otherwise).
    ("conversation", "POST", "/v1/topics", '{"name": "\\ud800 lone"}', {}, "name"),
    ("conversation", "PUT", "/v1/conversations/{conversation}/tags/a%00b", None, {}, "tag"),
    ("conversation", "GET", "/v1/channels/{channel}/conversations", None, {"tag": NUL}, "tag"),
    ("conversation", "GET", "/v1/conversations", None, {"tag": NUL}, "tag"),
    ("access", "PATCH", "/v1/users/{user}", {"display_name": NUL}, {}, "display_name"),
    ("access", "POST", "/v1/users", {"email": "a\x00@b.co", "display_name": "A"}, {}, "email"),
    ("access", "POST", "/v1/teams", {"name": NUL}, {}, "name"),
    ("access", "PATCH", "/v1/teams/{team}", {"name": NUL}, {}, "name"),
    ("channel", "PATCH", "/v1/channels/{channel}", {"display_name": NUL}, {}, "display_name"),
    ("channel", "GET", "/v1/channels/twitter/callback", None, {"state": NUL}, "state"),
    (
        "channel",
        "PATCH",
        "/v1/channels/{channel}",
        {"auto_resolve": {"enabled": True, "new_after_seconds": True}},
        {},
        "auto_resolve.new_after_seconds",
    ),
]


@pytest.mark.parametrize("finding", FINDINGS, ids=[f"{f[1]} {f[2]} {f[5]}" for f in FINDINGS])
async def test_the_issues_findings_are_422s_naming_the_field(
    system: System,
    prepared: Prepared,
    finding: tuple[str, str, str, dict[str, Any] | str | None, dict[str, str], str],
) -> None:
    service, method, path, body, query, field = finding
    url = getattr(system, service).base_url + path.format(**prepared.ids)
    headers = {"authorization": prepared.token, "content-type": "application/json"}
    raw = body if isinstance(body, str) else json.dumps(body) if body is not None else None
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.request(method, url, content=raw, params=query, headers=headers)
    assert response.status_code == 422, response.text
    assert (response.json()["code"], response.json()["field"]) == ("validation_error", field)
