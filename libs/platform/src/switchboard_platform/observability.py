"""What every service process sets up first: JSON logs and, when configured, traces."""

from switchboard_platform.logs import configure_logging
from switchboard_platform.settings import ServiceSettings
from switchboard_platform.tracing import configure_tracing


def configure_observability(service: str, settings: ServiceSettings) -> None:
    configure_logging(service=service, level=settings.log_level, fmt=settings.log_format)
    configure_tracing(service=service, settings=settings.tracing)
