"""ingest-svc's hold on Kafka: a connection that never blocks startup, and publishing that
fails fast, so that Twitter hears 503 (and retries) within seconds whatever Kafka does.

What aiokafka does on its own when the broker is gone: `start()` raises at once when the
port refuses and after `request_timeout_ms` (15 s here) when nothing answers, leaving an
unclosed producer behind; a send waits up to `request_timeout_ms` for metadata (unknown
topic, lost leader) and its batch expires after as long again. Twitter gives up long
before, so every publish here has its own deadline, and a failed start is retried in the
background after a cheap bootstrap probe.
"""

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Any

from aiokafka.client import AIOKafkaClient
from aiokafka.errors import KafkaError
from faststream.exceptions import FastStreamException
from faststream.kafka import KafkaBroker

from switchboard_contracts.envelope import Event
from switchboard_contracts.topics import Topic
from switchboard_ingest import metrics
from switchboard_platform.kafka.broker import OutgoingRecord, Publisher
from switchboard_platform.logs import get_logger

log = get_logger(__name__)
RETRY_SECONDS = (0.5, 1.0, 2.0, 5.0)  # then every 5 s


class BrokerUnavailableError(Exception):
    """Kafka did not acknowledge in time, or is not connected: answer 503."""


class BoundedPublisher:
    """Publishes through `inner` with a deadline; every failure becomes one error type."""

    def __init__(
        self, inner: Publisher, *, timeout: float, connected: Callable[[], bool] = lambda: True
    ) -> None:
        self._inner = inner
        self._timeout = timeout
        self._connected = connected

    def topic_name(self, topic: Topic) -> str:
        return self._inner.topic_name(topic)

    async def publish(self, topic: Topic, event: Event[Any], *, key: str) -> None:
        raise NotImplementedError("ingest publishes whole deliveries with publish_batch")

    async def publish_batch(self, records: Sequence[OutgoingRecord]) -> None:
        if not self._connected():
            raise BrokerUnavailableError("not connected to Kafka yet")
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self._timeout):
                await self._inner.publish_batch(records)
        except TimeoutError:
            # Records already handed to the producer may still be written: the redelivery
            # then carries the same event ids, and consumers deduplicate.
            raise BrokerUnavailableError(f"no ack from Kafka within {self._timeout}s") from None
        except (KafkaError, FastStreamException, OSError) as exc:
            raise BrokerUnavailableError(f"Kafka refused: {type(exc).__name__}") from None
        metrics.PUBLISH_SECONDS.observe(time.perf_counter() - started)


class KafkaConnection:
    """Starts the broker in the background, retrying until Kafka answers."""

    def __init__(
        self, broker: KafkaBroker, bootstrap_servers: str, *, probe_timeout: float
    ) -> None:
        self._broker = broker
        self._servers = bootstrap_servers
        self._probe_timeout_ms = int(probe_timeout * 1000)
        self.connected = False

    async def run(self) -> None:
        attempt = 0
        while not self.connected:
            if await self._reachable():
                try:
                    await self._broker.start()
                except (KafkaError, OSError) as exc:
                    log.warning("kafka start failed", error=repr(exc))
                else:
                    self.connected = True
                    log.info("kafka connected", servers=self._servers)
                    return
            delay = RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)]
            log.warning("kafka unreachable; deliveries get 503", retry_in=delay)
            attempt += 1
            await asyncio.sleep(delay)

    async def stop(self) -> None:
        if self.connected:
            self.connected = False
            await self._broker.stop()

    async def ready(self) -> bool:
        return self.connected and await self._broker.ping(timeout=2.0)

    async def _reachable(self) -> bool:
        """A bare bootstrap: unlike a failed producer start, it leaves nothing open."""
        client = AIOKafkaClient(
            bootstrap_servers=self._servers,
            request_timeout_ms=self._probe_timeout_ms,
            client_id="ingest-svc-probe",
        )
        try:
            await client.bootstrap()
        except (KafkaError, OSError):
            return False
        finally:
            await client.close()
        return True
