"""The image's HEALTHCHECK: GET /livez of the service this container runs.

The image runs one service per container (`python -m <module> ...` as process 1), and each
service reads its port from its own setting, so the check reads both from the process."""

import os
import sys
import urllib.request
from http import HTTPStatus
from pathlib import Path

# module -> (port setting, default port): as the services' settings define them.
PORTS = {
    "switchboard_access": ("SB_ACCESS_PORT", 8001),
    "switchboard_channel": ("SB_CHANNEL_PORT", 8002),
    "switchboard_ingest": ("SB_INGEST_PORT", 8003),
    "switchboard_conversation": ("SB_CONVERSATION_PORT", 8004),
    "switchboard_twitter_sim": ("SB_TWITTER_SIM_PORT", 8010),
    "switchboard_console": ("SB_CONSOLE_PORT", 8000),
}


def main() -> int:
    argv = Path("/proc/1/cmdline").read_bytes().decode().split("\0")
    module = next((arg for arg in argv if arg in PORTS), None)
    if module is None or "migrate" in argv:
        return 0  # a one-shot command (migrate, topics): nothing to answer
    setting, default = PORTS[module]
    port = int(os.environ.get(setting, default))
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=4) as response:
            return 0 if response.status == HTTPStatus.OK else 1
    except OSError as error:
        sys.stderr.write(f"{module} on port {port}: {error}\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())
