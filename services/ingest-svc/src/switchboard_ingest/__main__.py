"""`python -m switchboard_ingest`: serve the webhook edge."""

from switchboard_ingest.bootstrap import create_app
from switchboard_ingest.settings import IngestSettings
from switchboard_platform.http.serve import serve


def main() -> None:
    settings = IngestSettings()
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
