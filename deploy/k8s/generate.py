"""Generate the Kustomize base under deploy/k8s/base/ from one table of services and the
contracts' topic catalogue, so that topics, ACLs and workloads have one source of truth, and
the CloudNativePG component (deploy/k8s/components/cloudnative-pg/: one PostgreSQL Cluster
per service database) from the same table.

    uv run python deploy/k8s/generate.py           # write
    uv run python deploy/k8s/generate.py --check   # exit 1 when the committed files drift

Overlays (deploy/k8s/overlays/*) are written by hand, patch the base and pick components.
"""

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from switchboard_contracts.topics import ALL_TOPICS, DEAD_LETTER_TOPICS, Topic

BASE = Path(__file__).parent / "base"
CLOUDNATIVE_PG = Path(__file__).parent / "components" / "cloudnative-pg"
# The name `make images` (scripts/images.sh) builds; overlays pin its tag, which is the commit
# (`scripts/images.sh --tag`): tests/containers checks that both name the same image.
IMAGE = "ghcr.io/switchboard/switchboard"
KAFKA_CLUSTER = "switchboard"  # the Strimzi Kafka resource; overlays may rename it
BOOTSTRAP = f"{KAFKA_CLUSTER}-kafka-bootstrap:9093"
GRACE_SECONDS = 45  # above uvicorn's 20 s plus FastStream's 15 s graceful stop
LABELS = {"app.kubernetes.io/part-of": "switchboard"}


@dataclass(frozen=True)
class Service:
    name: str
    module: str
    port: int
    env_prefix: str
    database: str | None = None
    serve_args: tuple[str, ...] = ()
    public: bool = False  # reached from outside through the Ingress
    secrets: dict[str, tuple[str, str]] = field(default_factory=dict)  # env -> (secret, key)
    callers: tuple[str, ...] = ()  # services that call its HTTP API
    # Commands run on demand: a suspended CronJob `<name>-<command>` each, as a template for
    # `kubectl create job --from=cronjob/<name>-<command> <job name>`.
    tasks: tuple[str, ...] = ()


SERVICES = (
    Service(
        "ingest-svc",
        "switchboard_ingest",
        8003,
        "SB_INGEST_",
        public=True,
        secrets={
            "SB_INGEST_TWITTER_CONSUMER_SECRET": ("switchboard-twitter-app", "consumer-secret")
        },
    ),
    Service(
        "conversation-svc",
        "switchboard_conversation",
        8004,
        "SB_CONVERSATION_",
        database="conversation",
        serve_args=("serve",),
        public=True,
        callers=("console-svc",),
    ),
    Service(
        "access-svc",
        "switchboard_access",
        8001,
        "SB_ACCESS_",
        database="access",
        serve_args=("serve",),
        public=True,
        callers=("conversation-svc", "channel-svc", "console-svc"),
    ),
    Service(
        "channel-svc",
        "switchboard_channel",
        8002,
        "SB_CHANNEL_",
        database="channel",
        serve_args=("serve",),
        public=True,  # admins' API and the OAuth callback
        callers=("console-svc",),
        secrets={
            "SB_CHANNEL_CREDENTIAL_KEYS": ("switchboard-credential-keys", "keys"),
            "SB_CHANNEL_CONSUMER_SECRET": ("switchboard-twitter-app", "consumer-secret"),
        },
        tasks=("reencrypt",),  # after a credential key rotation (deploy/README.md)
    ),
    Service(
        "console-svc",
        "switchboard_console",
        8000,
        "SB_CONSOLE_",
        public=True,  # people's browsers
        secrets={"SB_CONSOLE_SESSION_SECRET": ("switchboard-console", "session-secret")},
    ),
)


def labels(service: Service) -> dict[str, str]:
    return {**LABELS, "app.kubernetes.io/name": service.name}


def pod_labels(service: Service, component: str) -> dict[str, str]:
    """A pod's labels: `component` keeps Jobs' pods out of the Service's endpoints and the
    PodDisruptionBudget's count ("server" for the Deployment's pods)."""
    return {**labels(service), "app.kubernetes.io/component": component}


def produced(service: Service) -> list[Topic]:
    return [t for t in ALL_TOPICS if service.name in t.producers]


def consumed(service: Service) -> list[Topic]:
    return [t for t in ALL_TOPICS if service.name in t.consumers]


def followed(service: Service) -> list[Topic]:
    return [t for t in ALL_TOPICS if service.name in t.followers]


def container(service: Service, args: list[str], *, probes: bool) -> dict[str, Any]:
    env: list[dict[str, Any]] = [
        {"name": "KAFKA_BOOTSTRAP_SERVERS", "value": BOOTSTRAP},
        {"name": "LOG_FORMAT", "value": "json"},
        {"name": f"{service.env_prefix}HOST", "value": "0.0.0.0"},  # noqa: S104 - in a pod
        {"name": f"{service.env_prefix}PORT", "value": str(service.port)},
    ]
    if service.database:
        env.append(
            {
                "name": "DATABASE_URL",
                "valueFrom": {
                    "secretKeyRef": {
                        # What the CloudNativePG Cluster writes, or a Secret of yours.
                        "name": f"{cluster_name(service.database)}-app",
                        "key": "uri",
                    }
                },
            }
        )
    env += [
        {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}
        for name, (secret, key) in sorted(service.secrets.items())
    ]
    spec: dict[str, Any] = {
        "name": service.name,
        "image": IMAGE,
        "args": args,
        "env": env,
        "envFrom": [{"configMapRef": {"name": "switchboard-config", "optional": True}}],
        "resources": {
            "requests": {"cpu": "100m", "memory": "256Mi"},
            "limits": {"memory": "512Mi"},
        },
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "capabilities": {"drop": ["ALL"]},
        },
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],  # noqa: S108 - an emptyDir
    }
    if probes:
        spec["ports"] = [{"name": "http", "containerPort": service.port}]
        http = {"port": "http"}
        spec["startupProbe"] = {
            "httpGet": {"path": "/livez", **http},
            "periodSeconds": 2,
            "failureThreshold": 30,
        }
        # Liveness asks the process only: a broker outage must not restart every pod.
        spec["livenessProbe"] = {"httpGet": {"path": "/livez", **http}, "periodSeconds": 10}
        spec["readinessProbe"] = {
            "httpGet": {"path": "/readyz", **http},
            "periodSeconds": 5,
            "failureThreshold": 2,
        }
    return spec


def pod_spec(service: Service, args: list[str], *, probes: bool) -> dict[str, Any]:
    return {
        "automountServiceAccountToken": False,
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": 10001,
            "runAsGroup": 10001,
            "fsGroup": 10001,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "containers": [container(service, args, probes=probes)],
        "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}}],
    }


def workload(service: Service) -> list[dict[str, Any]]:
    """A consumer service runs as two Deployments that scale apart: `<name>` serves the API
    (SERVICE_ROLE=api, behind the Service, on CPU) and `<name>-worker` consumes, relays
    the outbox and runs the periodic work (SERVICE_ROLE=worker, on consumer lag)."""
    meta = {"name": service.name, "labels": labels(service)}
    documents: list[dict[str, Any]] = []
    if consumed(service):
        documents += deployment(service, "server", role="api")
        documents += deployment(service, "worker", role="worker")
    else:
        documents += deployment(service, "server")
    documents += [
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": meta,
            "spec": {
                "selector": pod_labels(service, "server"),
                "ports": [{"name": "http", "port": 80, "targetPort": "http"}],
            },
        },
        network_policy(service),
    ]
    if service.database:
        job_spec = pod_spec(service, [service.module, "migrate"], probes=False)
        job_spec["restartPolicy"] = "OnFailure"
        documents.append(
            {
                "apiVersion": "batch/v1",
                "kind": "Job",
                "metadata": {"name": f"{service.name}-migrate", "labels": labels(service)},
                "spec": {
                    "backoffLimit": 3,
                    "ttlSecondsAfterFinished": 3600,
                    "template": {
                        "metadata": {"labels": pod_labels(service, "migration")},
                        "spec": job_spec,
                    },
                },
            }
        )
    documents += [task(service, command) for command in service.tasks]
    return documents


def deployment(service: Service, component: str, role: str | None = None) -> list[dict[str, Any]]:
    """A Deployment of `component` pods, its PodDisruptionBudget and its autoscaler."""
    name = service.name if component == "server" else f"{service.name}-{component}"
    meta = {"name": name, "labels": labels(service)}
    selector = {"matchLabels": {"app.kubernetes.io/name": service.name}}
    selector["matchLabels"]["app.kubernetes.io/component"] = component
    spec = pod_spec(service, [service.module, *service.serve_args], probes=True)
    spec["terminationGracePeriodSeconds"] = GRACE_SECONDS
    if role is not None:
        spec["containers"][0]["env"].append({"name": "SERVICE_ROLE", "value": role})
    return [
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": meta,
            "spec": {
                "replicas": 2,
                "selector": selector,
                "strategy": {
                    "type": "RollingUpdate",
                    "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1},
                },
                "template": {
                    "metadata": {"labels": pod_labels(service, component)},
                    "spec": spec,
                },
            },
        },
        {
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": meta,
            "spec": {"maxUnavailable": 1, "selector": selector},
        },
        lag_scaler(service, name) if component == "worker" else cpu_scaler(service, name),
    ]


def task(service: Service, command: str) -> dict[str, Any]:
    """A suspended CronJob: never scheduled, the template of a Job created by hand."""
    job_spec = pod_spec(service, [service.module, command], probes=False)
    job_spec["restartPolicy"] = "OnFailure"
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": f"{service.name}-{command}", "labels": labels(service)},
        "spec": {
            "suspend": True,
            "schedule": "0 0 1 1 *",  # required; a suspended CronJob never runs it
            "concurrencyPolicy": "Forbid",
            "jobTemplate": {
                "spec": {
                    "backoffLimit": 3,
                    "ttlSecondsAfterFinished": 86400,
                    "template": {
                        "metadata": {"labels": pod_labels(service, command)},
                        "spec": job_spec,
                    },
                }
            },
        },
    }


def cpu_scaler(service: Service, name: str) -> dict[str, Any]:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name, "labels": labels(service)},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": 2,
            "maxReplicas": 10,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": 70},
                    },
                }
            ],
        },
    }


def lag_scaler(service: Service, name: str) -> dict[str, Any]:
    """Scale on consumer lag, never beyond the partitions of what it reads."""
    topics = consumed(service)
    return {
        "apiVersion": "keda.sh/v1alpha1",
        "kind": "ScaledObject",
        "metadata": {"name": name, "labels": labels(service)},
        "spec": {
            "scaleTargetRef": {"name": name},
            "minReplicaCount": 2,
            "maxReplicaCount": max(t.partitions for t in topics),
            "triggers": [
                {
                    "type": "kafka",
                    "metadata": {
                        "bootstrapServers": BOOTSTRAP,
                        "consumerGroup": service.name,
                        "topic": t.name,
                        "lagThreshold": "100",
                    },
                }
                for t in topics
            ],
        },
    }


def network_policy(service: Service) -> dict[str, Any]:
    sources: list[dict[str, Any]] = [
        {"podSelector": {"matchLabels": {"app.kubernetes.io/name": caller}}}
        for caller in service.callers
    ]
    if service.public:
        sources.append(
            {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}}
        )
    # Prometheus scrapes /metrics from its own namespace.
    sources.append(
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}
    )
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": service.name, "labels": labels(service)},
        "spec": {
            "podSelector": {"matchLabels": {"app.kubernetes.io/name": service.name}},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": sources, "ports": [{"port": service.port, "protocol": "TCP"}]}],
        },
    }


def kafka_topic(topic: Topic) -> dict[str, Any]:
    return {
        "apiVersion": "kafka.strimzi.io/v1",
        "kind": "KafkaTopic",
        "metadata": {
            "name": topic.name.replace(".", "-").replace("_", "-"),
            "labels": {**LABELS, "strimzi.io/cluster": KAFKA_CLUSTER},
        },
        "spec": {
            "topicName": topic.name,
            "partitions": topic.partitions,
            "replicas": 3,
            "config": {**topic.kafka_config(), "min.insync.replicas": "2"},
        },
    }


def kafka_user(service: Service) -> dict[str, Any]:
    """Each service may read what it consumes and write what it produces, nothing else."""
    writes = produced(service) + [t for t in DEAD_LETTER_TOPICS if service.name in t.producers]
    acls: list[dict[str, Any]] = [
        {
            "resource": {"type": "topic", "name": name, "patternType": "literal"},
            "operations": operations,
        }
        for names, operations in (
            (
                sorted({t.name for t in consumed(service) + followed(service)}),
                ["Read", "Describe"],
            ),
            (sorted({t.name for t in writes}), ["Write", "Describe"]),
        )
        for name in names
    ]
    if consumed(service):
        acls.append(
            {
                "resource": {"type": "group", "name": service.name, "patternType": "literal"},
                "operations": ["Read"],
            }
        )
    return {
        "apiVersion": "kafka.strimzi.io/v1",
        "kind": "KafkaUser",
        "metadata": {
            "name": service.name,
            "labels": {**LABELS, "strimzi.io/cluster": KAFKA_CLUSTER},
        },
        "spec": {
            "authentication": {"type": "tls"},
            "authorization": {"type": "simple", "acls": acls},
        },
    }


def ingress() -> dict[str, Any]:
    def rule(host: str, service: str) -> dict[str, Any]:
        return {
            "host": host,
            "http": {
                "paths": [
                    {
                        "path": "/",
                        "pathType": "Prefix",
                        "backend": {"service": {"name": service, "port": {"name": "http"}}},
                    }
                ]
            },
        }

    hosts = {"ingest-svc": "webhooks.switchboard.example.com"} | {
        s.name: f"{s.name.removesuffix('-svc')}.switchboard.example.com"
        for s in SERVICES
        if s.public and s.name != "ingest-svc"
    }
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "switchboard", "labels": LABELS},
        "spec": {
            "ingressClassName": "nginx",
            "tls": [{"hosts": sorted(hosts.values()), "secretName": "switchboard-tls"}],
            "rules": [rule(host, name) for name, host in sorted(hosts.items())],
        },
    }


def cluster_name(database: str) -> str:
    """The CloudNativePG Cluster of a service database; it writes the Secret `<name>-app`."""
    return f"switchboard-{database}"


def database_name(database: str) -> str:
    return f"switchboard_{database}"  # as deploy/postgres/postgres.sh names them locally


def database_cluster(database: str) -> dict[str, Any]:
    """A CloudNativePG Cluster whose `<name>-app` Secret (key `uri`) is the DATABASE_URL of
    the service using `database`: it connects as the owner, which also runs the migrations."""
    return {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "Cluster",
        "metadata": {
            "name": cluster_name(database),
            "labels": {**LABELS, "app.kubernetes.io/component": "database"},
        },
        "spec": {
            "instances": 3,  # a primary and two standbys, on different nodes
            "storage": {"size": "10Gi"},
            "bootstrap": {"initdb": {"database": database_name(database), "owner": "switchboard"}},
        },
    }


def files() -> dict[str, str]:
    out: dict[str, list[dict[str, Any]]] = {}
    for service in SERVICES:
        out[f"{service.name}.yaml"] = workload(service)
    out["kafka-topics.yaml"] = [kafka_topic(t) for t in ALL_TOPICS]
    out["kafka-users.yaml"] = [kafka_user(s) for s in SERVICES]
    out["ingress.yaml"] = [ingress()]
    rendered = {name: _dump(docs) for name, docs in out.items()}
    rendered["kustomization.yaml"] = _dump(
        [
            {
                "apiVersion": "kustomize.config.k8s.io/v1beta1",
                "kind": "Kustomization",
                "labels": [{"pairs": LABELS, "includeSelectors": False}],
                "resources": sorted(out),
            }
        ]
    )
    return rendered


def cloudnative_pg_files() -> dict[str, str]:
    clusters = [database_cluster(s.database) for s in SERVICES if s.database]
    return {
        "clusters.yaml": _dump(clusters),
        "kustomization.yaml": _dump(
            [
                {
                    "apiVersion": "kustomize.config.k8s.io/v1alpha1",
                    "kind": "Component",
                    "labels": [{"pairs": LABELS, "includeSelectors": False}],
                    "resources": ["clusters.yaml"],
                }
            ]
        ),
    }


def outputs() -> dict[Path, dict[str, str]]:
    """Each generated folder with the files it must hold, and no others."""
    return {BASE: files(), CLOUDNATIVE_PG: cloudnative_pg_files()}


def _dump(documents: list[dict[str, Any]]) -> str:
    header = (
        "# Generated by deploy/k8s/generate.py from its service table and the topic\n"
        "# catalogue (libs/contracts). Do not edit: change the source and regenerate.\n"
    )
    return header + "---\n".join(yaml.safe_dump(d, sort_keys=False) for d in documents)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="deploy/k8s/generate.py")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    generated = outputs()
    stale: list[Path] = []
    extra: list[Path] = []
    for folder, wanted in generated.items():
        present = {p.name for p in folder.glob("*.yaml")} if folder.exists() else set()
        stale += sorted(
            folder / n
            for n, text in wanted.items()
            if not (folder / n).exists() or (folder / n).read_text() != text
        )
        extra += sorted(folder / n for n in present - set(wanted))
    if args.check:
        if stale or extra:
            drifted = [str(p.relative_to(BASE.parent)) for p in stale + extra]
            sys.stderr.write(
                f"k8s files drifted from their sources: {drifted}; run `make docs` and commit\n"
            )
            return 1
        return 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(generated[path.parent][path.name])
        sys.stdout.write(f"k8s: wrote {path}\n")
    for path in extra:
        path.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
