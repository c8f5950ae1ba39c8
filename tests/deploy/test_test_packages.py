"""Test folders that are packages (they share helpers by relative import) need a top-level
name no other test package has: pytest imports them by that name, and two `integration`
packages would shadow each other's modules when the whole suite runs together."""

from collections import defaultdict
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]


def package_root(init: Path) -> Path:
    folder = init.parent
    while (folder.parent / "__init__.py").exists():
        folder = folder.parent
    return folder


def test_test_package_names_are_unique() -> None:
    roots: dict[str, set[Path]] = defaultdict(set)
    for init in ROOT.glob("*/**/tests/**/__init__.py"):
        if ".venv" in init.parts:
            continue
        root = package_root(init)
        roots[root.name].add(root.relative_to(ROOT))
    clashes = {name: sorted(map(str, paths)) for name, paths in roots.items() if len(paths) > 1}
    assert clashes == {}, "rename one of each: " + repr(clashes)
