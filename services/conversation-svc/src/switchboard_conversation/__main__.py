"""`python -m switchboard_conversation [migrate|serve]`."""

from pathlib import Path

from switchboard_conversation.bootstrap import create_app
from switchboard_conversation.settings import ConversationSettings
from switchboard_platform.service import command_line

MIGRATIONS = Path(__file__).parent / "migrations"

main = command_line(
    prog="switchboard_conversation",
    migrations=MIGRATIONS,
    settings=ConversationSettings,
    create_app=create_app,
)

if __name__ == "__main__":
    raise SystemExit(main(None))
