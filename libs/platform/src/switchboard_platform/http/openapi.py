"""Write or check every service's committed OpenAPI document.

`python -m switchboard_platform.http.openapi [--check]`. Services register a factory under
the entry-point group `switchboard.openapi` (name: the service folder); it returns the app
built with placeholder settings, which connects to nothing until its lifespan starts.
"""

import argparse
import json
import sys
from importlib.metadata import entry_points
from pathlib import Path

GROUP = "switchboard.openapi"


def render(document: dict[str, object]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="switchboard_platform.http.openapi")
    parser.add_argument("--check", action="store_true", help="fail when a document is stale")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the repository root")
    args = parser.parse_args(argv)
    stale = []
    for entry in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        app = entry.load()()
        path = args.root / "services" / entry.name / "openapi.json"
        text = render(app.openapi())
        if path.exists() and path.read_text() == text:
            continue
        if args.check:
            stale.append(str(path))
        else:
            path.write_text(text)
            sys.stdout.write(f"openapi: wrote {path}\n")
    if stale:
        sys.stderr.write("openapi: stale, run `make docs` and commit: " + ", ".join(stale) + "\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
