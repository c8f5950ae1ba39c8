from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "twitter-samples"


@pytest.fixture
def samples_dir() -> Path:
    if not SAMPLES.is_dir():
        pytest.fail(f"Twitter samples not found at {SAMPLES} (shared/ sits beside the repo)")
    return SAMPLES
