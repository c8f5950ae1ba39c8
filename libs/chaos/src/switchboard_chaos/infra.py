"""The chaos run's own Kafka broker and PostgreSQL cluster, on ports of their own, started,
stopped and started again by the project's scripts (deploy/kafka/kafka.sh,
deploy/postgres/postgres.sh). The run restarts them: they must not be what other work uses.
"""

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

# libs/chaos/src/switchboard_chaos/infra.py: the repository is four folders up.
REPO = Path(__file__).resolve().parents[4]
KAFKA_SH = REPO / "deploy" / "kafka" / "kafka.sh"
POSTGRES_SH = REPO / "deploy" / "postgres" / "postgres.sh"


@dataclass(frozen=True)
class Ports:
    kafka: int = int(os.environ.get("SB_CHAOS_KAFKA_PORT", "19092"))
    kafka_controller: int = int(os.environ.get("SB_CHAOS_KAFKA_CONTROLLER_PORT", "19093"))
    postgres: int = int(os.environ.get("SB_CHAOS_PG_PORT", "15432"))


class OwnInfra:
    def __init__(self, run_dir: Path, ports: Ports) -> None:
        self.run_dir = run_dir
        self.ports = ports
        self._env = {
            **os.environ,
            "SB_RUN_DIR": str(run_dir),
            "SB_KAFKA_PORT": str(ports.kafka),
            "SB_KAFKA_CONTROLLER_PORT": str(ports.kafka_controller),
            "SB_PG_PORT": str(ports.postgres),
        }

    @property
    def kafka_bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.ports.kafka}"

    @property
    def database_server_url(self) -> str:
        return (
            f"postgresql+psycopg://switchboard:switchboard@127.0.0.1:{self.ports.postgres}/postgres"
        )

    def up(self) -> None:
        """A fresh broker (its data from an earlier run removed) and the cluster."""
        self._script(KAFKA_SH, "stop")
        shutil.rmtree(self.run_dir / "kafka" / "data", ignore_errors=True)
        self.start_kafka()
        for command in ("install", "start", "ensure-dbs"):
            self._script(POSTGRES_SH, command)

    def down(self) -> None:
        self._script(KAFKA_SH, "stop")
        self._script(POSTGRES_SH, "stop")

    def stop_kafka(self) -> None:
        self._script(KAFKA_SH, "stop")

    def start_kafka(self) -> None:
        self._script(KAFKA_SH, "start")

    def stop_postgres(self) -> None:
        self._script(POSTGRES_SH, "stop")

    def start_postgres(self) -> None:
        self._script(POSTGRES_SH, "start")

    def _script(self, script: Path, command: str) -> None:
        result = subprocess.run(  # noqa: S603 - the project's own scripts
            [str(script), command],
            env=self._env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{script.name} {command} failed ({result.returncode}):\n"
                f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
            )
