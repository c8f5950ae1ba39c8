"""`python -m switchboard_channel [migrate|serve]`."""

import argparse
from pathlib import Path

from switchboard_channel.bootstrap import create_app
from switchboard_channel.settings import ChannelSettings
from switchboard_platform.db.migrations import upgrade
from switchboard_platform.http.serve import serve

MIGRATIONS = Path(__file__).parent / "migrations"


def main() -> None:
    parser = argparse.ArgumentParser(prog="switchboard_channel")
    parser.add_argument("command", choices=["migrate", "serve"], nargs="?", default="serve")
    args = parser.parse_args()
    settings = ChannelSettings()
    if args.command == "migrate":
        upgrade(MIGRATIONS, settings.database.url)
        return
    serve(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        access_log=settings.http_access_log,
    )


if __name__ == "__main__":
    main()
