"""Every overlay renders, passes strict Kubernetes schema validation, and says what the
topic catalogue says. Custom resources (Strimzi, KEDA) are checked against the catalogue
and our invariants; their CRD schemas are not available offline here (see deploy/README.md)."""

import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from switchboard_contracts.topics import ALL_TOPICS

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]
OVERLAYS = sorted(p.name for p in (ROOT / "deploy/k8s/overlays").iterdir() if p.is_dir())
CUSTOM_KINDS = {"KafkaTopic", "KafkaUser", "ScaledObject"}
KUBERNETES_VERSION = "1.32.0"


def render(overlay: str) -> list[dict[str, Any]]:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.fail("kubectl is needed to render the Kustomize overlays (kubectl kustomize)")
    out = subprocess.run(  # noqa: S603 - our own overlay
        [kubectl, "kustomize", str(ROOT / "deploy/k8s/overlays" / overlay)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return [doc for doc in yaml.safe_load_all(out) if doc]


@pytest.fixture(scope="module", params=OVERLAYS)
def resources(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    return render(request.param)


def of_kind(resources: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [r for r in resources if r["kind"] == kind]


def test_the_base_is_generated_from_its_sources() -> None:
    result = subprocess.run(  # noqa: S603
        ["python", str(ROOT / "deploy/k8s/generate.py"), "--check"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_builtin_resources_pass_strict_schema_validation(resources: list[dict[str, Any]]) -> None:
    for resource in resources:
        if resource["kind"] in CUSTOM_KINDS:
            continue
        kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)


def test_only_known_custom_resources(resources: list[dict[str, Any]]) -> None:
    custom = {
        r["kind"]
        for r in resources
        if "." in r["apiVersion"].split("/")[0]
        and not r["apiVersion"].startswith(
            ("networking.k8s.io", "policy", "batch", "autoscaling", "apps")
        )
    }
    assert custom == CUSTOM_KINDS


def test_kafka_topics_match_the_catalogue(resources: list[dict[str, Any]]) -> None:
    topics = {t["spec"]["topicName"]: t["spec"] for t in of_kind(resources, "KafkaTopic")}
    assert set(topics) == {t.name for t in ALL_TOPICS}
    for topic in ALL_TOPICS:
        spec = topics[topic.name]
        assert spec["partitions"] == topic.partitions
        assert {
            k: v for k, v in spec["config"].items() if k != "min.insync.replicas"
        } == topic.kafka_config()
        assert int(spec["config"]["min.insync.replicas"]) <= spec["replicas"]


def test_each_service_may_only_touch_its_own_topics(resources: list[dict[str, Any]]) -> None:
    for user in of_kind(resources, "KafkaUser"):
        service = user["metadata"]["name"]
        for acl in user["spec"]["authorization"]["acls"]:
            if acl["resource"]["type"] != "topic":
                assert acl["resource"] == {
                    "type": "group",
                    "name": service,
                    "patternType": "literal",
                }
                continue
            topic = next(t for t in ALL_TOPICS if t.name == acl["resource"]["name"])
            assert acl["resource"]["patternType"] == "literal"
            if "Read" in acl["operations"]:
                assert service in topic.consumers
            if "Write" in acl["operations"]:
                assert service in topic.producers


def test_workloads_are_hardened_and_probed(resources: list[dict[str, Any]]) -> None:
    deployments = of_kind(resources, "Deployment")
    assert deployments
    for deployment in deployments:
        pod = deployment["spec"]["template"]["spec"]
        [container] = pod["containers"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
        assert container["livenessProbe"]["httpGet"]["path"] == "/livez"
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["startupProbe"]["httpGet"]["path"] == "/livez"
        assert "memory" in container["resources"]["limits"]
        assert pod["terminationGracePeriodSeconds"] > 20 + 15  # uvicorn + FastStream stops
    names = {d["metadata"]["name"] for d in deployments}
    assert names == {p["metadata"]["name"] for p in of_kind(resources, "PodDisruptionBudget")}
    assert names == {p["metadata"]["name"] for p in of_kind(resources, "NetworkPolicy")}


def test_consumers_scale_on_lag_within_their_partitions(resources: list[dict[str, Any]]) -> None:
    for scaled in of_kind(resources, "ScaledObject"):
        triggers = scaled["spec"]["triggers"]
        assert triggers
        partitions = {t.name: t.partitions for t in ALL_TOPICS}
        for trigger in triggers:
            assert trigger["type"] == "kafka"
            assert trigger["metadata"]["consumerGroup"] == scaled["metadata"]["name"]
        assert scaled["spec"]["maxReplicaCount"] <= max(
            partitions[t["metadata"]["topic"]] for t in triggers
        )
