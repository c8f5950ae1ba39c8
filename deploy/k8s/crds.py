"""Fetch the CustomResourceDefinitions our manifests use, pinned, into a local cache, so that
tests/deploy/ can validate every custom resource against its operator's real schema.

    uv run python deploy/k8s/crds.py     # fetch when needed; print one CRD file path a line

Where each CRD comes from (the only registries CI reaches are language package registries):

- KEDA ScaledObject, CloudNativePG Cluster: the operators are Go modules whose source zips
  carry the generated CRDs under config/crd/bases/. `go mod download` fetches the pinned
  version from the Go module proxy (checked against the Go checksum database); we check the
  zip's sha256 and its h1: sum against the pins below and read the CRD out of the zip.
- Strimzi KafkaTopic, KafkaUser: Strimzi publishes no CRD YAML to a registry, only the API
  model classes (io.strimzi:api) and the generator its build runs over them
  (io.strimzi:crd-generator). Maven fetches both (deploy/k8s/strimzi/pom.xml; their jars'
  sha256 pinned below, their dependencies checked against Maven Central's checksums) and we run
  io.strimzi.crdgenerator.CrdGenerator with the arguments Strimzi's api/pom.xml gives it for
  the CRDs it ships (packaging/install/cluster-operator/04x-Crd-*.yaml). Strimzi 1.x is built
  for Java 21: a JDK 21+ is taken from SB_CRDS_JAVA, JAVA_HOME, PATH or /usr/lib/jvm.

Cache: ${XDG_CACHE_HOME:-~/.cache}/switchboard/crds/<source>-<version>/, each folder complete
once its .fetch-complete stamp matches the pins (and, for Strimzi, the pom), so a warm run
starts no other process. Progress goes to stderr; any failure exits 1 with what to check.
"""

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "switchboard"
STAMP = ".fetch-complete"
TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class GoModule:
    """CRD files inside a Go module's zip, pinned by the zip's sha256 and the module's h1 sum."""

    name: str  # the cache folder's prefix
    path: str
    version: str
    zip_sha256: str
    h1: str
    files: tuple[str, ...]  # inside the module

    @property
    def stamp(self) -> str:
        return f"{self.path}@{self.version} zip-sha256={self.zip_sha256} {self.h1}\n"


GO_MODULES = (
    GoModule(
        "keda",
        "github.com/kedacore/keda/v2",
        "v2.21.0",
        "74b59fe16144250748b716d6dc8789dee52d26164daab732145bed60456013a4",
        "h1:R6z2HZvstK4RLUMxroNACzBj74xGxt3kG59b5Xc+Xps=",
        ("config/crd/bases/keda.sh_scaledobjects.yaml",),
    ),
    GoModule(
        "cloudnative-pg",
        "github.com/cloudnative-pg/cloudnative-pg",
        "v1.28.0",
        "72aba5d57e481cd83d731900cf055e3486c39ae239897e628f41262d82509b90",
        "h1:vkv0a0ewDSfJOPJrsyUr4uczsxheReAWf/k171V0Dm0=",
        ("config/crd/bases/postgresql.cnpg.io_clusters.yaml",),
    ),
)

STRIMZI_VERSION = "1.2.0"  # io.strimzi:api and io.strimzi:crd-generator; serves kafka.strimzi.io/v1
# The two jars that decide the CRDs' content; their dependencies Maven checks (-C) alone.
STRIMZI_JARS = {
    f"api-{STRIMZI_VERSION}.jar": (
        "566961ae5e5646a001ae91312beda5cba3a5d467e740e205e1b761754335fe4e"
    ),
    f"crd-generator-{STRIMZI_VERSION}.jar": (
        "76bb2430e702a1e6a24c071d26c865d5e9572cbc630d176d3b912033ae23ed00"
    ),
}
STRIMZI_POM = HERE / "strimzi" / "pom.xml"
STRIMZI_JAVA = 21
# What Strimzi's api/pom.xml passes to CrdGenerator for the CRDs it ships (file -> class).
STRIMZI_CRDS = {
    "043-Crd-kafkatopic.yaml": "io.strimzi.api.kafka.model.topic.KafkaTopic",
    "044-Crd-kafkauser.yaml": "io.strimzi.api.kafka.model.user.KafkaUser",
}
STRIMZI_ARGS = (
    *("--label", "app:strimzi", "--label", "strimzi.io/crd-install:true"),
    *("--target-kube", "1.16+", "--crd-api-version", "v1"),
    *("--api-versions", "v1", "--storage-version", "v1", "--yaml"),
)


class FetchError(Exception):
    """A CRD could not be had; the message says what to check."""


def say(message: str) -> None:
    sys.stderr.write(f"crds: {message}\n")


def run(command: list[str], *, what: str, hint: str, cwd: Path | None = None) -> str:
    """Run a tool to completion and return its stdout, or raise FetchError with its output."""
    env = {**os.environ, "GOTOOLCHAIN": "local"}  # never download a Go toolchain
    try:
        result = subprocess.run(  # noqa: S603 - fixed tools, our own arguments
            command,
            capture_output=True,
            text=True,
            check=False,
            cwd=cwd,
            env=env,
            timeout=TIMEOUT_SECONDS,
        )
    except FileNotFoundError as error:
        raise FetchError(f"{what}: {command[0]} not found; {hint}") from error
    except subprocess.TimeoutExpired as error:
        raise FetchError(f"{what}: no answer in {TIMEOUT_SECONDS}s; {hint}") from error
    if result.returncode != 0:
        output = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr).strip()
        raise FetchError(f"{what} failed (exit {result.returncode}); {hint}:\n{output[-4000:]}")
    return result.stdout


def complete(folder: Path, stamp: str, files: list[str]) -> bool:
    marker = folder / STAMP
    return (
        marker.is_file()
        and marker.read_text() == stamp
        and all((folder / name).is_file() for name in files)
    )


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Serialise concurrent fetches of one source (e.g. two pytest runs at once)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    with (folder.parent / f".{folder.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@contextlib.contextmanager
def staged(folder: Path, stamp: str) -> Iterator[Path]:
    """A fresh folder to fill; it replaces `folder`, stamped, only when filled without error."""
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    (staging / STAMP).write_text(stamp)
    staging.chmod(0o755)
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)


def require(folder: Path, names: list[str], what: str) -> None:
    missing = [name for name in names if not (folder / name).is_file()]
    if missing:
        raise FetchError(f"{what} ran but {folder} lacks {missing}")


def check_sha256(path: Path, pinned: str, what: str) -> None:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != pinned:
        raise FetchError(f"{what}: {path.name} has sha256 {digest}, not the pinned {pinned}")


def fetch_go_module(module: GoModule) -> list[Path]:
    folder = CACHE / "crds" / f"{module.name}-{module.version}"
    names = [Path(f).name for f in module.files]
    if complete(folder, module.stamp, names):
        return [folder / n for n in names]
    with locked(folder):
        if complete(folder, module.stamp, names):
            return [folder / n for n in names]
        started = time.monotonic()
        what = f"go mod download {module.path}@{module.version} (Go module proxy)"
        with tempfile.TemporaryDirectory() as outside_any_module:
            out = run(
                ["go", "mod", "download", "-json", f"{module.path}@{module.version}"],
                what=what,
                hint="is the Go module proxy (GOPROXY) reachable, and Go installed?",
                cwd=Path(outside_any_module),
            )
        info = json.loads(out)
        if info.get("Error"):
            raise FetchError(f"{what}: {info['Error']}")
        archive = Path(info["Zip"])
        check_sha256(archive, module.zip_sha256, what)
        if info.get("Sum") != module.h1:
            raise FetchError(f"{what}: sum {info.get('Sum')} is not the pinned {module.h1}")
        with staged(folder, module.stamp) as staging, zipfile.ZipFile(archive) as zipped:
            for name in module.files:
                member = f"{module.path}@{module.version}/{name}"
                (staging / Path(name).name).write_bytes(zipped.read(member))
        seconds = time.monotonic() - started
        say(f"{module.path}@{module.version}: {', '.join(names)} ({seconds:.1f}s)")
    return [folder / n for n in names]


def java_major(java: Path) -> int:
    try:
        shown = subprocess.run(  # noqa: S603 - a java binary we found
            [str(java), "-XshowSettings:properties", "-version"],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        ).stderr
    except OSError:
        return 0
    found = re.search(r"java\.specification\.version = (\d+)", shown)
    return int(found.group(1)) if found else 0


def find_java(minimum: int) -> Path:
    candidates = [os.environ.get("SB_CRDS_JAVA", "")]
    if home := os.environ.get("JAVA_HOME"):
        candidates.append(f"{home}/bin/java")
    candidates.append(shutil.which("java") or "")
    candidates += sorted(str(p) for p in Path("/usr/lib/jvm").glob("*/bin/java"))
    seen: list[str] = []
    for candidate in filter(None, candidates):
        major = java_major(Path(candidate))
        if major >= minimum:
            return Path(candidate)
        seen.append(f"{candidate} ({major or 'unknown'})")
    raise FetchError(
        f"Strimzi's CRD generator {STRIMZI_VERSION} needs Java {minimum}+; found only "
        f"{', '.join(seen) or 'no java'}. Install a JDK {minimum}+ or set SB_CRDS_JAVA"
    )


def fetch_strimzi_libs() -> Path:
    """io.strimzi:api and io.strimzi:crd-generator with their dependencies, via Maven."""
    pom_sha = hashlib.sha256(STRIMZI_POM.read_bytes()).hexdigest()
    stamp = f"strimzi={STRIMZI_VERSION} pom-sha256={pom_sha}\n"
    libs = CACHE / f"strimzi-crd-generator-{STRIMZI_VERSION}" / "libs"
    jars = sorted(STRIMZI_JARS)
    if complete(libs, stamp, jars):
        return libs
    with locked(libs):
        if complete(libs, stamp, jars):
            return libs
        started = time.monotonic()
        maven = ["mvn", "-q", "-B", "-C", "-Dstyle.color=never", "-f", str(STRIMZI_POM)]
        what = f"Maven fetching io.strimzi:api and io.strimzi:crd-generator {STRIMZI_VERSION}"
        hint = "is Maven Central reachable, and Maven installed?"
        with staged(libs, stamp) as staging:
            maven += [f"-Dstrimzi.version={STRIMZI_VERSION}", f"-Dcrds.libs.dir={staging}"]
            try:
                # Offline first: when ~/.m2 already holds everything, no network at all.
                run([*maven, "-o", "package"], what=what, hint=hint)
            except FetchError:
                run([*maven, "package"], what=f"{what} from Maven Central", hint=hint)
            require(staging, jars, what)
            for jar, pinned in STRIMZI_JARS.items():
                check_sha256(staging / jar, pinned, what)
        say(f"Strimzi {STRIMZI_VERSION} CRD generator jars ({time.monotonic() - started:.1f}s)")
    return libs


def fetch_strimzi() -> list[Path]:
    folder = CACHE / "crds" / f"strimzi-{STRIMZI_VERSION}"
    pom_sha = hashlib.sha256(STRIMZI_POM.read_bytes()).hexdigest()
    stamp = (
        f"strimzi={STRIMZI_VERSION} pom-sha256={pom_sha} args={' '.join(STRIMZI_ARGS)} "
        f"crds={sorted(STRIMZI_CRDS.items())}\n"
    )
    names = sorted(STRIMZI_CRDS)
    if complete(folder, stamp, names):
        return [folder / n for n in names]
    libs = fetch_strimzi_libs()
    with locked(folder):
        if complete(folder, stamp, names):
            return [folder / n for n in names]
        started = time.monotonic()
        java = find_java(STRIMZI_JAVA)
        generator = "io.strimzi.crdgenerator.CrdGenerator"
        what = f"{generator} {STRIMZI_VERSION} on {java}"
        with staged(folder, stamp) as staging:
            targets = [f"{cls}={staging / name}" for name, cls in sorted(STRIMZI_CRDS.items())]
            run(
                [str(java), "-cp", f"{libs}/*", generator, *STRIMZI_ARGS, *targets],
                what=what,
                hint="the generator's output follows",
            )
            require(staging, names, what)
        say(f"Strimzi {STRIMZI_VERSION}: {', '.join(names)} ({time.monotonic() - started:.1f}s)")
    return [folder / n for n in names]


def fetch() -> list[Path]:
    """Every CRD file, fetched or generated when its cache folder is not complete."""
    return [path for module in GO_MODULES for path in fetch_go_module(module)] + fetch_strimzi()


def main() -> int:
    try:
        paths = fetch()
    except FetchError as error:
        say(f"could not fetch the CRDs: {error}")
        return 1
    sys.stdout.write("".join(f"{p}\n" for p in paths))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
