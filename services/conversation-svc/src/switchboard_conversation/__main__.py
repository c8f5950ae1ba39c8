"""`python -m switchboard_conversation [migrate|serve]`."""

import argparse
from pathlib import Path

from switchboard_conversation.bootstrap import create_app
from switchboard_conversation.settings import ConversationSettings
from switchboard_platform.db.migrations import upgrade
from switchboard_platform.http.serve import serve

MIGRATIONS = Path(__file__).parent / "migrations"


def main() -> None:
    parser = argparse.ArgumentParser(prog="switchboard_conversation")
    parser.add_argument("command", choices=["migrate", "serve"], nargs="?", default="serve")
    args = parser.parse_args()
    settings = ConversationSettings()
    if args.command == "migrate":
        upgrade(MIGRATIONS, settings.database.url)
        return
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
