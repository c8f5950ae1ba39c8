"""Where generated and hand-written contract files live, relative to the repository root."""

from pathlib import Path, PurePosixPath

CONTRACTS = PurePosixPath("libs/contracts")
SCHEMAS = CONTRACTS / "schemas"
EXAMPLES = CONTRACTS / "examples"
EVENTS_MD = PurePosixPath("docs/events.md")
ASYNCAPI = PurePosixPath("docs/asyncapi.yaml")


def repo_root() -> Path:
    # The workspace installs this package editable: the source tree is the checkout.
    return Path(__file__).resolve().parents[5]


def schema_path(topic: str, event_type: str) -> PurePosixPath:
    return SCHEMAS / topic / f"{event_type}.json"


def example_path(topic: str, event_type: str) -> PurePosixPath:
    return EXAMPLES / topic / f"{event_type}.json"
