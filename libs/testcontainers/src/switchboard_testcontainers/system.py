"""The whole of Switchboard in containers, for another team's integration tests:

    with Switchboard() as switchboard:        # Kafka, PostgreSQL, migrations, topics,
        switchboard.kafka_bootstrap_servers   # the four services and the Twitter simulator
        switchboard.urls.conversation

Every container runs as its image says (non-root) on a read-only root filesystem, with a
tmpfs where it writes, on the host's network: the services reach each other, Kafka and
PostgreSQL on 127.0.0.1 at free ports, and so does the test, with no address translation
between the two (OAuth redirects and Kafka's advertised listener hold on both sides). That
needs a Linux engine (Docker or Podman); Docker Desktop only with its host networking on.
"""

import os
import socket
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from types import TracebackType
from typing import Any, Self

import httpx
from testcontainers.core.container import DockerContainer

from switchboard_testcontainers import wiring
from switchboard_testcontainers.wiring import SERVICES, SwitchboardUrls

POSTGRES_USER = "switchboard"
POSTGRES_PASSWORD = "switchboard"  # noqa: S105 - the test image's default


class SwitchboardStartError(RuntimeError):
    """A container did not start or a one-shot command failed; the message has its log."""


@dataclass(frozen=True)
class SwitchboardImages:
    """Which images to run. `from_env()` reads SB_IMAGE, SB_TWITTER_SIM_IMAGE, SB_KAFKA_IMAGE
    and SB_POSTGRES_IMAGE: what `make images` writes to .run/images.env (`. .run/images.env`
    in the Switchboard repository), or the tags your registry holds."""

    services: str
    twitter_sim: str
    kafka: str
    postgres: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "SwitchboardImages":
        names = {
            "services": "SB_IMAGE",
            "twitter_sim": "SB_TWITTER_SIM_IMAGE",
            "kafka": "SB_KAFKA_IMAGE",
            "postgres": "SB_POSTGRES_IMAGE",
        }
        missing = [variable for variable in names.values() if not environ.get(variable)]
        if missing:
            raise SwitchboardStartError(
                f"set {', '.join(missing)} to Switchboard's images (after `make images` in the "
                "Switchboard repository: `. .run/images.env`), or pass SwitchboardImages(...) "
                "to Switchboard()"
            )
        return cls(**{field: environ[variable] for field, variable in names.items()})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _container(image: str, *command: str, env: Mapping[str, str]) -> Any:
    container: Any = DockerContainer(image)
    if command:
        container = container.with_command(list(command))
    # The images write only under /tmp (Kafka's log, PostgreSQL's cluster): a tmpfs, open to
    # the image's unprivileged user (Podman ignores `mode=` on other paths).
    container.tmpfs["/tmp"] = "rw,mode=1777"  # noqa: S108 - inside the container
    return container.with_envs(**env).with_kwargs(network_mode="host", read_only=True)


def _logs(container: Any, lines: int = 60) -> str:
    try:
        out, err = container.get_logs()
    except Exception as error:  # noqa: BLE001 - a report, not a control path
        return f"(no logs: {error})"
    text = (out + err).decode(errors="replace").splitlines()
    return "\n".join(text[-lines:])


def _wait(what: str, probe: Callable[[], bool], within: float, container: Any) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if probe():
            return
        container.reload()
        if container.status in {"exited", "dead"}:
            break
        time.sleep(0.2)
    else:
        raise SwitchboardStartError(f"{what}: not ready within {within:.0f}s\n{_logs(container)}")
    raise SwitchboardStartError(f"{what}: exited\n{_logs(container)}")


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == httpx.codes.OK
    except httpx.HTTPError:
        return False


def _listens(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


class Switchboard:
    """Starts everything on enter (about a minute on two busy cores), stops and removes every
    container on exit. `topic_prefix` names the topics (`<prefix>conversations.v1`); the
    Kafka is this object's own, so the default is none. `sweep_enabled` turns on
    conversation-svc's auto-resolve sweep (off: a test's conversations stay where it put
    them)."""

    def __init__(
        self,
        images: SwitchboardImages | None = None,
        *,
        topic_prefix: str = "",
        sweep_enabled: bool = False,
        start_timeout: float = 120.0,
    ) -> None:
        self.images = images or SwitchboardImages.from_env()
        self.topic_prefix = topic_prefix
        self.sweep_enabled = sweep_enabled
        self.start_timeout = start_timeout
        self.ports = {
            name: free_port()
            for name in (*SERVICES, "twitter", "kafka", "kafka_controller", "postgres")
        }
        self.urls = SwitchboardUrls.on_loopback(self.ports)
        self.kafka_bootstrap_servers = f"127.0.0.1:{self.ports['kafka']}"
        self.containers: dict[str, Any] = {}

    def database_url(self, database: str) -> str:
        return postgres_url(self.ports["postgres"], database)

    def __enter__(self) -> Self:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        self._start_infrastructure()
        environments = self.environments()
        with ThreadPoolExecutor(4) as pool:  # the migrations and the topics at once
            jobs = [
                pool.submit(
                    self._run_once, f"{name}-migrate", module, "migrate", env=environments[name]
                )
                for name, module in (
                    ("access", "switchboard_access"),
                    ("channel", "switchboard_channel"),
                    ("conversation", "switchboard_conversation"),
                )
            ]
            jobs.append(
                pool.submit(
                    self._run_once,
                    "topics",
                    "switchboard_platform.kafka.topics",
                    "ensure",
                    env={
                        "KAFKA_BOOTSTRAP_SERVERS": self.kafka_bootstrap_servers,
                        "KAFKA_TOPIC_PREFIX": self.topic_prefix,
                    },
                )
            )
            for job in jobs:
                job.result()
        for name, image, command in (
            ("twitter", self.images.twitter_sim, ("switchboard_twitter_sim",)),
            ("access", self.images.services, ("switchboard_access", "serve")),
            ("channel", self.images.services, ("switchboard_channel", "serve")),
            ("conversation", self.images.services, ("switchboard_conversation", "serve")),
            ("ingest", self.images.services, ("switchboard_ingest",)),
        ):
            self.containers[name] = _container(image, *command, env=environments[name]).start()
        for name in (*SERVICES, "twitter"):
            readyz = f"{getattr(self.urls, name)}/readyz"
            _wait(name, partial(_answers, readyz), self.start_timeout, self.containers[name])

    def stop(self) -> None:
        """In the safe order: the edge first, then the consumers, access-svc, Twitter, the
        infrastructure last."""
        for name in ("ingest", "conversation", "channel", "access", "twitter", "kafka", "postgres"):
            container = self.containers.pop(name, None)
            if container is not None:
                container.stop()

    def logs(self, lines: int = 40) -> str:
        """Every running container's last log lines (for a failing test's report)."""
        return "\n".join(f"--- {n}\n{_logs(c, lines)}" for n, c in self.containers.items())

    def _start_infrastructure(self) -> None:
        port = self.ports
        self.containers["kafka"] = start_kafka(
            self.images.kafka, port["kafka"], port["kafka_controller"], wait=False
        )
        self.containers["postgres"] = start_postgres(
            self.images.postgres, port["postgres"], within=self.start_timeout
        )
        for database in ("switchboard_access", "switchboard_channel", "switchboard_conversation"):
            psql(self.containers["postgres"], port["postgres"], f'CREATE DATABASE "{database}"')
        wait_for_kafka(self.containers["kafka"], port["kafka"], within=self.start_timeout)

    def _run_once(self, name: str, *command: str, env: Mapping[str, str]) -> None:
        container = _container(self.images.services, *command, env=env).start()
        try:
            status = container.get_wrapped_container().wait(timeout=self.start_timeout)
            if status["StatusCode"] != 0:
                raise SwitchboardStartError(
                    f"{name} exited with {status['StatusCode']}\n{_logs(container)}"
                )
        finally:
            container.stop()

    def environments(self) -> dict[str, dict[str, str]]:
        """Each service's settings (`switchboard_testcontainers.wiring`)."""
        return wiring.environments(
            ports=self.ports,
            kafka_bootstrap_servers=self.kafka_bootstrap_servers,
            topic_prefix=self.topic_prefix,
            database_urls={
                name: self.database_url(f"switchboard_{name}")
                for name in ("access", "channel", "conversation")
            },
            consumer_group=f"switchboard-{uuid.uuid4().hex[:8]}",
            sweep_enabled=self.sweep_enabled,
        )


# --- Kafka and PostgreSQL alone (also the test plugin's, when no servers are given) --------


def start_kafka(
    image: str, port: int, controller_port: int, *, within: float = 120.0, wait: bool = True
) -> Any:
    """The test Kafka image on 127.0.0.1:`port`; started (and, with `wait`, listening)."""
    container = _container(
        image,
        env={
            "KAFKA_PORT": str(port),
            "KAFKA_CONTROLLER_PORT": str(controller_port),
            "KAFKA_LISTEN_HOST": "127.0.0.1",
            "KAFKA_ADVERTISED_HOST": "127.0.0.1",
        },
    ).start()
    if wait:
        wait_for_kafka(container, port, within=within)
    return container


def wait_for_kafka(container: Any, port: int, *, within: float = 120.0) -> None:
    _wait("kafka", partial(_listens, port), within, container)


def start_postgres(image: str, port: int, *, within: float = 120.0) -> Any:
    """The test PostgreSQL image on 127.0.0.1:`port`, accepting connections."""
    container = _container(
        image,
        env={
            "PGPORT": str(port),
            "PGLISTEN": "127.0.0.1",
            "POSTGRES_USER": POSTGRES_USER,
            "POSTGRES_PASSWORD": POSTGRES_PASSWORD,
        },
    ).start()
    command = ["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port)]
    _wait("postgres", lambda: int(container.exec(command).exit_code) == 0, within, container)
    return container


def postgres_url(port: int, database: str = "postgres") -> str:
    return f"postgresql+psycopg://{POSTGRES_USER}:{POSTGRES_PASSWORD}@127.0.0.1:{port}/{database}"


def psql(container: Any, port: int, sql: str) -> None:
    """One statement, run by the superuser inside the PostgreSQL container."""
    connect = ["-h", "127.0.0.1", "-p", str(port), "-U", POSTGRES_USER, "-d", "postgres"]
    result = container.get_wrapped_container().exec_run(
        ["psql", *connect, "-v", "ON_ERROR_STOP=1", "-c", sql],
        environment={"PGPASSWORD": POSTGRES_PASSWORD},
    )
    if result.exit_code != 0:
        raise SwitchboardStartError(f"psql {sql!r}: {result.output.decode(errors='replace')}")
