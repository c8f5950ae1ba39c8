"""Switchboard for other teams' integration tests: the whole system as containers
(Testcontainers), and helpers that drive it through its public interfaces."""

from switchboard_testcontainers.client import (
    Channel,
    Organization,
    SwitchboardCallError,
    SwitchboardClient,
    eventually,
)
from switchboard_testcontainers.system import (
    Switchboard,
    SwitchboardImages,
    SwitchboardStartError,
)
from switchboard_testcontainers.wiring import SwitchboardUrls

__all__ = [
    "Channel",
    "Organization",
    "Switchboard",
    "SwitchboardCallError",
    "SwitchboardClient",
    "SwitchboardImages",
    "SwitchboardStartError",
    "SwitchboardUrls",
    "eventually",
]
