"""The repository stands on its own: nothing tracked refers to a path outside the checkout.

A fresh clone on a machine that has only the repository must build, test and read the same
as ours. So every tracked file is scanned for what would break there: references to
folders beside the checkout or on our machines, markdown links that leave the repository
or point at files it does not have, and code that climbs above the repository root
(`Path(__file__).parents[N]`, `$(dirname "${BASH_SOURCE[0]}")/..`, Kustomize's `../`).
"""

import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]

# Written so that this file does not match them itself.
OUTSIDE = {
    "a folder beside the checkout": re.compile(r"\.\./+shared\b"),
    "a path on our machines": re.compile(r"/wor[k]/"),
    "the design reference's folders": re.compile(r"\bshared/+(?:twitter-sample[s]|design|seed)\b"),
}
MARKDOWN_LINK = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
MARKDOWN_REFERENCE = re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s+<?(\S+?)>?(?:\s|$)", re.MULTILINE)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
PY_CLIMB = re.compile(r"Path\(__file__\)(?:\.resolve\(\))?(?:\.parents\[(\d+)\]|((?:\.parent)+))")
SH_CLIMB = re.compile(r"(?:BASH_SOURCE\[0\]\}\"\)|\$\{SCRIPT_DIR\})/((?:\.\./)*\.\.)(?![\w.])")
YAML_RELATIVE = re.compile(r"^\s*-\s+(\.\.?/\S+)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def tracked_files() -> list[str]:
    git = shutil.which("git")
    assert git is not None, "git is needed to list the tracked files"
    listed = subprocess.run(  # noqa: S603 - our own repository
        [git, "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    return [name for name in listed.split("\0") if name]


def tree(files: list[str]) -> set[PurePosixPath]:
    """Every tracked file and every folder that holds one (the root is `.`)."""
    paths: set[PurePosixPath] = set()
    for name in files:
        path = PurePosixPath(name)
        paths.add(path)
        paths.update(path.parents)
    return paths


def resolve(base: PurePosixPath, target: str) -> PurePosixPath | None:
    """`target` relative to the folder `base`, inside the repository, or None if it leaves."""
    parts: list[str] = [] if base == PurePosixPath() else list(base.parts)
    for part in PurePosixPath(target).parts:
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part != ".":
            parts.append(part)
    return PurePosixPath(*parts)


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def markdown_findings(name: str, text: str, known: set[PurePosixPath]) -> Iterator[Finding]:
    folder = PurePosixPath(name).parent
    links = [*MARKDOWN_LINK.finditer(text), *MARKDOWN_REFERENCE.finditer(text)]
    for match in links:
        target = match.group(1)
        if SCHEME.match(target) or target.startswith(("#", "//")):
            continue  # a URL or an anchor on the same page
        path = target.split("#", 1)[0].split("?", 1)[0]
        if not path:
            continue
        line = line_of(text, match.start())
        resolved = None if path.startswith("/") else resolve(folder, path)
        if resolved is None:
            yield Finding(name, line, f"link {target!r} leaves the repository")
        elif resolved not in known:
            yield Finding(name, line, f"link {target!r}: no tracked {resolved}")


def climb_findings(name: str, text: str, known: set[PurePosixPath]) -> Iterator[Finding]:
    """Code that walks up from its own file: it must stop at the repository root."""
    depth = len(PurePosixPath(name).parts)  # steps up from the file to the root
    if name.endswith(".py"):
        for match in PY_CLIMB.finditer(text):
            index, chain = match.groups()
            levels = int(index) + 1 if index is not None else chain.count(".parent")
            if levels > depth:
                yield Finding(name, line_of(text, match.start()), f"{match[0]} leaves the root")
    if name.endswith(".sh") or name.startswith(".ci/"):
        for match in SH_CLIMB.finditer(text):
            if match.group(1).count("..") > depth - 1:  # dirname took the first step
                yield Finding(name, line_of(text, match.start()), f"{match[0]} leaves the root")
    if name.endswith((".yaml", ".yml")):
        for match in YAML_RELATIVE.finditer(text):
            resolved = resolve(PurePosixPath(name).parent, match.group(1))
            if resolved is None or resolved not in known:
                where = "leaves the repository" if resolved is None else "is not tracked"
                yield Finding(name, line_of(text, match.start()), f"{match.group(1)} {where}")


def findings(name: str, text: str, known: set[PurePosixPath]) -> list[Finding]:
    found = [
        Finding(name, line_of(text, match.start()), f"{what}: {match[0]!r}")
        for what, pattern in OUTSIDE.items()
        for match in pattern.finditer(text)
    ]
    if name.endswith(".md"):
        found.extend(markdown_findings(name, text, known))
    found.extend(climb_findings(name, text, known))
    return found


def read_text(path: Path) -> str | None:
    data = path.read_bytes()
    return None if b"\0" in data else data.decode("utf-8", errors="replace")


def test_no_tracked_file_refers_outside_the_repository() -> None:
    files = tracked_files()
    known = tree(files)
    scanned = 0
    found: list[Finding] = []
    for name in files:
        text = read_text(ROOT / name)
        if text is None:
            continue
        scanned += 1
        found.extend(findings(name, text, known))
    # Not vacuous: the whole tree was read, this file and the main documents among it.
    assert scanned > 300, f"only {scanned} text files scanned: is git ls-files right?"
    assert {"README.md", "tests/repo/test_self_contained.py", "docs/events.md"} <= set(files)
    assert found == [], "refers outside the repository:\n" + "\n".join(map(str, found))


KNOWN = tree(["README.md", "docs/events.md", "libs/testing/README.md", "deploy/k8s/base/a.yaml"])


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("README.md", "see `" + "../" + "shared" + "/design` for the rules"),
        ("scripts/x.py", 'ROOT = "/' + 'work/main"'),
        ("tests/x.py", 'SAMPLES = ROOT / "shared/' + 'twitter-samples"'),
        ("README.md", "[the article](../seed/)"),
        ("docs/events.md", "[domain](../../DOMAIN.md)"),
        ("docs/events.md", "[domain](domain.md#roles)"),
        ("README.md", "[gone]: docs/gone.md"),
        ("README.md", "[absolute](/etc/passwd)"),
        ("libs/testing/src/x.py", "Path(__file__)" + ".resolve().parents[4]"),
        ("tests/e2e/x.py", "Path(__file__)" + ".parent.parent.parent.parent"),
        ("scripts/x.sh", 'cd "$(dirname "${BASH_SOURCE[0]}")/../.."'),
        ("deploy/k8s/overlays/dev/kustomization.yaml", "resources:\n  - ../../../base\n"),
    ],
)
def test_what_the_guard_catches(name: str, text: str) -> None:
    assert findings(name, text, KNOWN) != []


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("docs/events.md", "[readme](../README.md) [here](#topics) [web](https://x.com/a)"),
        ("libs/testing/README.md", "[events](../../docs/events.md#envelope) [root](../..)"),
        ("libs/testing/src/x.py", "Path(__file__)" + ".resolve().parents[3]"),
        ("scripts/x.sh", 'cd "$(dirname "${BASH_SOURCE[0]}")/.."'),
        ("deploy/k8s/overlays/dev/kustomization.yaml", "resources:\n  - ../../base\n"),
        ("README.md", "a shared secret, ../other not a link"),
    ],
)
def test_what_the_guard_lets_pass(name: str, text: str) -> None:
    assert findings(name, text, KNOWN) == []
