"""Services as separate processes, as in production, for end-to-end tests."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class RunningService:
    name: str
    base_url: str
    log_path: Path
    process: subprocess.Popen[bytes]

    def terminate(self, within: float = 30.0) -> int:
        """SIGTERM, as Kubernetes stops a pod; wait for the exit and return its code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=within)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise
        return int(self.process.returncode)

    def log_tail(self, lines: int = 60) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


# Service processes cache their bytecode even where the environment says not to
# (an empty value means unset): restarts in a test then take one second, not five.
BYTECODE = {"PYTHONDONTWRITEBYTECODE": ""}


def run_once(module: str, *args: str, env: Mapping[str, str]) -> None:
    """Run `python -m module args` to completion (e.g. migrations); fail with its output."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", module, *args],
        env={**os.environ, **BYTECODE, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")


def start_process(
    name: str, module: str, *args: str, port: int, env: Mapping[str, str], log_dir: Path
) -> RunningService:
    """Start `python -m module` with its output in `log_dir/<name>.log`; do not wait."""
    log_path = log_dir / f"{name}.log"
    with log_path.open("ab") as log:  # a restarted service appends to its log
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", module, *args],
            env={**os.environ, **BYTECODE, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return RunningService(name, f"http://127.0.0.1:{port}", log_path, process)


def wait_ready(service: RunningService, within: float = 60.0) -> None:
    """Until `/readyz` answers 200; fail with the log's tail when it exits or takes too long."""
    _wait_ready(service, service.process, within)


@contextmanager
def service_process(
    name: str,
    module: str,
    *args: str,
    port: int,
    env: Mapping[str, str],
    log_dir: Path,
    ready_within: float = 60.0,
) -> Iterator[RunningService]:
    """Start `python -m module`, wait for `/readyz`, stop it with SIGTERM on exit."""
    service = start_process(name, module, *args, port=port, env=env, log_dir=log_dir)
    try:
        _wait_ready(service, service.process, ready_within)
        yield service
    finally:
        service.terminate()


def _wait_ready(service: RunningService, process: subprocess.Popen[bytes], within: float) -> None:
    deadline = time.monotonic() + within
    last = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"{service.name} exited with {process.returncode}:\n{service.log_tail()}"
            )
        try:
            response = httpx.get(f"{service.base_url}/readyz", timeout=2)
            if response.status_code == 200:  # noqa: PLR2004
                return
            last = response.text
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.2)
    raise RuntimeError(f"{service.name} not ready within {within}s ({last}):\n{service.log_tail()}")
