"""`python -m switchboard_console`: serve the web console."""

from switchboard_console.bootstrap import create_app
from switchboard_console.settings import ConsoleSettings
from switchboard_platform.http.serve import serve


def main() -> None:
    settings = ConsoleSettings()
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
