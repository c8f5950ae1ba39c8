"""The README's example is the test CI runs, word for word."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
HERE = Path(__file__).resolve().parent


def test_the_readme_shows_the_example_test_as_it_is() -> None:
    readme = (HERE.parent / "README.md").read_text()
    example = (HERE / "test_example.py").read_text()
    assert f"```python\n{example}```\n" in readme, "paste tests/test_example.py into README.md"
