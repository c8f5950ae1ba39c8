import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "twitter-samples"


@pytest.fixture
def samples_dir() -> Path:
    if not SAMPLES.is_dir():
        pytest.fail(f"Twitter samples not found at {SAMPLES} (shared/ sits beside the repo)")
    return SAMPLES


@pytest.fixture
def load_sample(samples_dir: Path) -> Callable[[str], Any]:
    """A sample delivery as parsed JSON (a fresh copy each call, free to modify)."""

    def load(name: str) -> Any:
        return json.loads((samples_dir / name).read_text(encoding="utf-8"))

    return load
