"""`python -m switchboard_ingest`: serve the webhook edge."""

import uvicorn

from switchboard_ingest.bootstrap import create_app
from switchboard_ingest.settings import IngestSettings


def main() -> None:
    settings = IngestSettings()
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        timeout_graceful_shutdown=20,
    )


if __name__ == "__main__":
    main()
