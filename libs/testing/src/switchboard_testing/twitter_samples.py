"""The Twitter webhook deliveries every test, benchmark and demo script reads: the
project's own fixtures (fixtures/twitter/, its README says where each shape comes from)."""

import json
from pathlib import Path
from typing import Any

SAMPLES_DIR = Path(__file__).resolve().parent / "fixtures" / "twitter"


def sample_files() -> list[Path]:
    """Every sample delivery, in name order (`aaa_*`: Account Activity, `xaa_*`: X Activity)."""
    files = sorted(SAMPLES_DIR.glob("*.json"))
    if not files:  # an installed wheel without its package data, say: fail, never test nothing
        raise FileNotFoundError(f"no Twitter samples in {SAMPLES_DIR}")
    return files


def sample_path(name: str) -> Path:
    path = SAMPLES_DIR / name
    if not path.is_file():
        raise FileNotFoundError(f"no Twitter sample {name!r} in {SAMPLES_DIR}")
    return path


def load_sample(name: str) -> Any:
    """A sample delivery as parsed JSON (a fresh copy each call, free to modify)."""
    return json.loads(sample_path(name).read_text(encoding="utf-8"))
