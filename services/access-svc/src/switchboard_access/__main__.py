"""`python -m switchboard_access [migrate|serve]`."""

from pathlib import Path

from switchboard_access.bootstrap import create_app
from switchboard_access.settings import AccessSettings
from switchboard_platform.service import command_line

MIGRATIONS = Path(__file__).parent / "migrations"

main = command_line(
    prog="switchboard_access",
    migrations=MIGRATIONS,
    settings=AccessSettings,
    create_app=create_app,
)

if __name__ == "__main__":
    raise SystemExit(main(None))
