"""The images run as their users and operators run them: the seed's story told against the
system started from them, every container non-root on a read-only root filesystem and
healthy by its own HEALTHCHECK, labelled with the commit it was built from."""

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from switchboard_testcontainers import Switchboard

# The first test also waits for the whole system to start (a minute or two on a busy machine).
pytestmark = [pytest.mark.containers, pytest.mark.timeout(600)]
ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scripts" / "demo.py"


def running(switchboard: Switchboard) -> dict[str, Any]:
    """Each long-running container's docker-py object."""
    return {name: c.get_wrapped_container() for name, c in switchboard.containers.items()}


def test_the_demo_tells_the_whole_story_against_the_images(switchboard: Switchboard) -> None:
    started = time.monotonic()
    urls = switchboard.urls
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [
            sys.executable,
            str(DEMO),
            *("--access", urls.access, "--channel", urls.channel),
            *("--conversation", urls.conversation, "--twitter", urls.twitter),
            *("--kafka", switchboard.kafka_bootstrap_servers),
            *("--topic-prefix", switchboard.topic_prefix),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    print(f"demo against the images took {time.monotonic() - started:.1f}s")  # noqa: T201
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}\n{switchboard.logs()}"
    assert "The story holds" in result.stdout


def test_every_container_runs_non_root_on_a_read_only_root(switchboard: Switchboard) -> None:
    containers = running(switchboard)
    assert set(containers) == {
        "kafka",
        "postgres",
        "access",
        "channel",
        "conversation",
        "ingest",
        "twitter",
    }
    for name, container in containers.items():
        container.reload()
        assert container.attrs["HostConfig"]["ReadonlyRootfs"] is True, name
        # Process 1 (the service itself, not only what `exec` runs as) is the image's user.
        uid = container.exec_run(["stat", "-c", "%u", "/proc/1"]).output.decode().strip()
        assert uid == "10001", f"{name} runs as uid {uid}"
        # The root filesystem refuses writes; only the tmpfs the container was given takes them.
        refused = container.exec_run(["touch", "/etc/written-by-a-test"])
        assert refused.exit_code != 0, f"{name} could write to its root filesystem"
        written = container.exec_run(["touch", "/tmp/written-by-a-test"])  # noqa: S108 - its tmpfs
        assert written.exit_code == 0, f"{name} cannot write to its /tmp"


def healthcheck(container: Any) -> list[str]:
    """The image's HEALTHCHECK command, as the container carries it (run here by hand: Podman
    without systemd schedules none, so its status would stay "starting")."""
    container.reload()
    check: list[str] = container.attrs["Config"]["Healthcheck"]["Test"]
    return check


def test_every_container_is_healthy_by_its_own_healthcheck(switchboard: Switchboard) -> None:
    for name, container in running(switchboard).items():
        check = healthcheck(container)
        assert check[0] == "CMD", f"{name}: {check}"
        result = container.exec_run(check[1:])
        assert result.exit_code == 0, f"{name}: {check[1:]} -> {result.output.decode()}"


def test_the_healthcheck_fails_when_the_service_does_not_answer(switchboard: Switchboard) -> None:
    """The same checks, told a port where nothing listens, fail: they can."""
    ports = {
        "kafka": "KAFKA_PORT",
        "postgres": "PGPORT",
        "access": "SB_ACCESS_PORT",
        "channel": "SB_CHANNEL_PORT",
        "conversation": "SB_CONVERSATION_PORT",
        "ingest": "SB_INGEST_PORT",
        "twitter": "SB_TWITTER_SIM_PORT",
    }
    for name, container in running(switchboard).items():
        check = healthcheck(container)[1:]
        result = container.exec_run(check, environment={ports[name]: "1"})
        assert result.exit_code != 0, f"{name}: {check} passed against port 1"


def test_images_carry_their_commit_and_the_kubernetes_base_runs_the_same_image(
    switchboard: Switchboard,
) -> None:
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"],  # noqa: S607 - git from PATH
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    images = switchboard.images
    client = running(switchboard)["access"].client
    for reference in (images.services, images.twitter_sim, images.kafka, images.postgres):
        labels = client.images.get(reference).labels
        assert labels["org.opencontainers.image.revision"] == head, (
            f"{reference} was built from another commit: `make images` again"
        )
        assert labels["org.opencontainers.image.created"], reference
        assert labels["org.opencontainers.image.version"] in reference, reference
    deployment = next(
        d
        for d in yaml.safe_load_all((ROOT / "deploy/k8s/base/access-svc.yaml").read_text())
        if d["kind"] == "Deployment"
    )
    base_image = deployment["spec"]["template"]["spec"]["containers"][0]["image"]
    assert images.services.rsplit(":", 1)[0] == base_image
