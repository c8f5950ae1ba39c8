"""What the entry points need, built once by the composition root."""

from dataclasses import dataclass

from switchboard_ingest.settings import IngestSettings
from switchboard_platform.clock import Clock, utc_now
from switchboard_platform.kafka.broker import Publisher


@dataclass(frozen=True)
class IngestContext:
    settings: IngestSettings
    publisher: Publisher
    clock: Clock = utc_now
