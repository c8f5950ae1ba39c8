"""`python -m switchboard_twitter_sim`: serve the simulator (flags override SB_TWITTER_SIM_*)."""

import argparse
from typing import Any

from switchboard_platform.http.serve import serve
from switchboard_twitter_sim.app import create_app
from switchboard_twitter_sim.settings import SimulatorSettings

_FLAGS = {
    "--host": "host",
    "--port": "port",
    "--consumer-key": "consumer_key",
    "--consumer-secret": "consumer_secret",
    "--bearer-token": "bearer_token",
    "--app-id": "app_id",
    "--seed-accounts": "seed_accounts",
    "--callback-urls": "callback_urls",
}


def parse_settings(argv: list[str] | None = None) -> SimulatorSettings:
    parser = argparse.ArgumentParser(
        prog="python -m switchboard_twitter_sim",
        description="A local Twitter API simulator. Every flag has an environment variable "
        "SB_TWITTER_SIM_<FLAG> (e.g. SB_TWITTER_SIM_CONSUMER_SECRET); flags win.",
    )
    for flag, name in _FLAGS.items():
        parser.add_argument(flag, dest=name, type=int if name == "port" else str)
    args = vars(parser.parse_args(argv))
    overrides: dict[str, Any] = {name: value for name, value in args.items() if value is not None}
    return SimulatorSettings(**overrides)


def main(argv: list[str] | None = None) -> None:
    settings = parse_settings(argv)
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
