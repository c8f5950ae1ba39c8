"""Every overlay renders, passes strict schema validation, and says what the topic catalogue
says. Built-in kinds are validated by kubernetes-validate; custom resources (Strimzi
KafkaTopic and KafkaUser, KEDA ScaledObject, CloudNativePG Cluster) against the
openAPIV3Schema of their operators' real CRDs, which deploy/k8s/crds.py fetches pinned from
the package registries into ~/.cache/switchboard/crds (see deploy/README.md, "Validation")."""

import copy
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from switchboard_contracts.topics import ALL_TOPICS

from .crd_schema import CustomResourceDefinitions

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]
OVERLAYS = sorted(p.name for p in (ROOT / "deploy/k8s/overlays").iterdir() if p.is_dir())
BASE_CUSTOM_KINDS = {"KafkaTopic", "KafkaUser", "ScaledObject"}
CRD_KINDS = {*BASE_CUSTOM_KINDS, "Cluster"}
BUILTIN_GROUPS = {"", "apps", "batch", "policy", "autoscaling"}  # and *.k8s.io
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
def overlay(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def resources(overlay: str) -> list[dict[str, Any]]:
    return render(overlay)


@pytest.fixture(scope="module")
def crds() -> CustomResourceDefinitions:
    """The pinned CRDs; fetched once into the cache (seconds), then read from it."""
    result = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(ROOT / "deploy/k8s/crds.py")],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    if result.returncode != 0:
        pytest.fail(f"deploy/k8s/crds.py could not provide the CRDs:\n{result.stderr}")
    return CustomResourceDefinitions.load(Path(line) for line in result.stdout.splitlines())


@pytest.fixture(scope="module")
def dev() -> list[dict[str, Any]]:
    """The dev overlay: the one with a resource of every custom kind, to break copies of."""
    return render("dev")


def of_kind(resources: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [r for r in resources if r["kind"] == kind]


def is_custom(resource: dict[str, Any]) -> bool:
    group = resource["apiVersion"].rpartition("/")[0]
    return group not in BUILTIN_GROUPS and not group.endswith(".k8s.io")


def test_the_base_is_generated_from_its_sources() -> None:
    result = subprocess.run(  # noqa: S603
        ["python", str(ROOT / "deploy/k8s/generate.py"), "--check"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_builtin_resources_pass_strict_schema_validation(resources: list[dict[str, Any]]) -> None:
    builtin = [r for r in resources if not is_custom(r)]
    assert {"Deployment", "Service", "Job", "CronJob"} <= {r["kind"] for r in builtin}
    for resource in builtin:
        kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)


def test_custom_resources_pass_strict_crd_validation(
    resources: list[dict[str, Any]], crds: CustomResourceDefinitions
) -> None:
    custom = [r for r in resources if is_custom(r)]
    assert {r["kind"] for r in custom} >= BASE_CUSTOM_KINDS
    assert [error for r in custom for error in crds.errors(r)] == []


def test_the_crds_fetched_are_those_the_manifests_use(crds: CustomResourceDefinitions) -> None:
    assert crds.kinds() == CRD_KINDS


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
    users = of_kind(resources, "KafkaUser")
    assert {u["metadata"]["name"] for u in users} == {
        service
        for topic in ALL_TOPICS
        for service in (*topic.producers, *topic.consumers, *topic.followers)
    }
    for user in users:
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
                assert service in topic.consumers + topic.followers
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
    services = {d["metadata"]["labels"]["app.kubernetes.io/name"] for d in deployments}
    assert services == {p["metadata"]["name"] for p in of_kind(resources, "NetworkPolicy")}


def test_api_and_worker_pods_scale_apart(resources: list[dict[str, Any]]) -> None:
    """A service that consumes topics runs an API Deployment (behind its Service, scaled on
    CPU) and a worker Deployment (consumers, relay, periodic work; scaled on lag)."""

    def role(deployment: dict[str, Any]) -> str | None:
        [container] = deployment["spec"]["template"]["spec"]["containers"]
        return next((e["value"] for e in container["env"] if e["name"] == "SERVICE_ROLE"), None)

    deployments = {d["metadata"]["name"]: d for d in of_kind(resources, "Deployment")}
    hpa = {
        h["spec"]["scaleTargetRef"]["name"] for h in of_kind(resources, "HorizontalPodAutoscaler")
    }
    keda = {k["spec"]["scaleTargetRef"]["name"] for k in of_kind(resources, "ScaledObject")}
    services = of_kind(resources, "Service")
    assert services
    for service in services:
        name = service["metadata"]["name"]
        consumes = any(name in topic.consumers for topic in ALL_TOPICS)
        assert name in hpa, name
        if consumes:
            assert role(deployments[name]) == "api", name
            assert role(deployments[f"{name}-worker"]) == "worker", name
            assert f"{name}-worker" in keda, name
        else:
            assert role(deployments[name]) is None, name
            assert f"{name}-worker" not in deployments, name
    assert len(hpa) + len(keda) == len(deployments)  # each scaled exactly once


def test_consumers_scale_on_lag_within_their_partitions(resources: list[dict[str, Any]]) -> None:
    scaled_objects = of_kind(resources, "ScaledObject")
    assert scaled_objects
    for scaled in scaled_objects:
        triggers = scaled["spec"]["triggers"]
        assert triggers
        partitions = {t.name: t.partitions for t in ALL_TOPICS}
        for trigger in triggers:
            assert trigger["type"] == "kafka"
            group = scaled["metadata"]["labels"]["app.kubernetes.io/name"]  # the service
            assert trigger["metadata"]["consumerGroup"] == group
        assert scaled["spec"]["maxReplicaCount"] <= max(
            partitions[t["metadata"]["topic"]] for t in triggers
        )


def test_database_urls_come_from_cloudnative_pg_in_dev_and_from_outside_in_production(
    overlay: str, resources: list[dict[str, Any]]
) -> None:
    """Every DATABASE_URL is the `uri` of a Secret `switchboard-<database>-app`: in dev the
    one its CloudNativePG Cluster writes; production brings its own PostgreSQL."""
    databases = {"access", "channel", "conversation"}
    references = {
        (env["valueFrom"]["secretKeyRef"]["name"], env["valueFrom"]["secretKeyRef"]["key"])
        for workload in of_kind(resources, "Deployment") + of_kind(resources, "Job")
        for env in workload["spec"]["template"]["spec"]["containers"][0]["env"]
        if env["name"] == "DATABASE_URL"
    }
    assert references == {(f"switchboard-{db}-app", "uri") for db in databases}
    clusters = {c["metadata"]["name"]: c["spec"] for c in of_kind(resources, "Cluster")}
    if overlay != "dev":
        assert clusters == {}
        return
    assert set(clusters) == {f"switchboard-{db}" for db in databases}
    for name, spec in clusters.items():
        assert spec["bootstrap"]["initdb"] == {
            "database": name.replace("-", "_"),  # switchboard_<database>, as locally
            "owner": "switchboard",
        }
        assert spec["instances"] == 1


# The validator can fail: each broken copy of a rendered resource is refused, naming the field.
@pytest.mark.parametrize(
    ("kind", "path", "value", "expected"),
    [
        (
            "ScaledObject",
            "spec.pollingIntervalSecond",
            30,
            "'pollingIntervalSecond' was unexpected",
        ),
        ("ScaledObject", "spec.triggers.0.lagThreshold", "100", "'lagThreshold' was unexpected"),
        ("ScaledObject", "spec.maxReplicaCount", "10", "spec.maxReplicaCount: '10' is not of type"),
        ("KafkaTopic", "spec.partition", 3, "'partition' was unexpected"),
        ("KafkaTopic", "spec.partitions", "3", "spec.partitions: '3' is not of type 'integer'"),
        ("KafkaTopic", "spec.partitions", None, "spec.partitions: None is not of type 'integer'"),
        ("KafkaTopic", "spec.replicas", 2**15, "32768 is greater than the maximum of 32767"),
        ("ScaledObject", "spec.maxReplicaCount", 2**31, "2147483648 is not a 'int32'"),
        ("KafkaUser", "spec.authentication.kind", "tls", "'kind' was unexpected"),
        ("KafkaUser", "spec.authentication.type", "oauth", "'oauth' is not one of"),
        ("KafkaUser", "spec.authorization.acls.0.operations", "Read", "is not of type 'array'"),
        ("Cluster", "spec.bootstrap.initdb.databse", "x", "'databse' was unexpected"),
        ("Cluster", "spec.instances", "1", "spec.instances: '1' is not of type 'integer'"),
        ("Cluster", "spec.instances", 0, "spec.instances: 0 is less than the minimum of 1"),
        ("KafkaTopic", "metadata.labelz", {}, "'labelz' was unexpected"),
        ("KafkaTopic", "metadata.labels.replicas", 3, "metadata.labels.replicas: 3 is not of type"),
        ("KafkaTopic", "status2", {}, "<root>: Additional properties are not allowed"),
    ],
)
def test_strict_crd_validation_refuses_unknown_fields_and_wrong_types(
    crds: CustomResourceDefinitions,
    dev: list[dict[str, Any]],
    *,
    kind: str,
    path: str,
    value: object,
    expected: str,
) -> None:
    [resource, *_] = of_kind(dev, kind)
    assert crds.errors(resource) == []
    broken = copy.deepcopy(resource)
    *parents, leaf = path.split(".")
    node: Any = broken
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    node[leaf] = value
    errors = crds.errors(broken)
    assert len(errors) == 1, errors
    assert expected in errors[0]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"apiVersion": "kafka.strimzi.io/v1beta2"}, "serves no version 'v1beta2', only ['v1']"),
        ({"apiVersion": "kafka.example.com/v1"}, "no CRD defines kind 'KafkaTopic'"),
        ({"metadata": {"labels": {}}}, "'name' is a required property"),
        ({"metadata": {"name": "Not_A_Name"}}, "does not match"),
    ],
)
def test_a_custom_resource_needs_a_served_version_and_a_name(
    crds: CustomResourceDefinitions,
    dev: list[dict[str, Any]],
    change: dict[str, Any],
    expected: str,
) -> None:
    [resource, *_] = of_kind(dev, "KafkaTopic")
    errors = crds.errors({**resource, **change})
    assert len(errors) == 1, errors
    assert expected in errors[0]


def test_on_demand_tasks_are_suspended_cronjobs(resources: list[dict[str, Any]]) -> None:
    """`kubectl create job --from=cronjob/<name>`: never scheduled, same pod as the service."""
    tasks = {c["metadata"]["name"]: c["spec"] for c in of_kind(resources, "CronJob")}
    assert set(tasks) == {"channel-svc-reencrypt"}
    spec = tasks["channel-svc-reencrypt"]
    assert spec["suspend"] is True
    pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert container["args"] == ["switchboard_channel", "reencrypt"]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    env = {e["name"]: e.get("valueFrom", {}).get("secretKeyRef") for e in container["env"]}
    assert env["DATABASE_URL"] == {"name": "switchboard-channel-app", "key": "uri"}
    assert env["SB_CHANNEL_CREDENTIAL_KEYS"] == {
        "name": "switchboard-credential-keys",
        "key": "keys",
    }


def test_only_the_deployments_pods_are_behind_services_and_budgets(
    resources: list[dict[str, Any]],
) -> None:
    """A migration or task pod carries its service's name but must never receive traffic
    or count towards (or against) the PodDisruptionBudget."""

    def selects(selector: dict[str, str], pod_labels: dict[str, str]) -> bool:
        return all(pod_labels.get(key) == value for key, value in selector.items())

    job_pods = [r["spec"]["template"]["metadata"]["labels"] for r in of_kind(resources, "Job")]
    job_pods += [
        r["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"]
        for r in of_kind(resources, "CronJob")
    ]
    deployment_pods = {
        r["metadata"]["name"]: r["spec"]["template"]["metadata"]["labels"]
        for r in of_kind(resources, "Deployment")
    }
    assert job_pods
    selectors = [
        (r["metadata"]["name"], r["spec"]["selector"]) for r in of_kind(resources, "Service")
    ]
    selectors += [
        (r["metadata"]["name"], r["spec"]["selector"]["matchLabels"])
        for r in of_kind(resources, "PodDisruptionBudget")
    ]
    for name, selector in selectors:
        assert selects(selector, deployment_pods[name]), name
        assert not [pod for pod in job_pods if selects(selector, pod)], name
