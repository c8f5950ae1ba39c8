"""Starting and stopping a service's Kafka side in the one safe order.

On shutdown (SIGTERM): finish the periodic work's current round, stop taking messages,
let in-flight handlers finish and commit their offsets (FastStream waits up to the
broker's `graceful_timeout`), let the outbox relays publish what those handlers
committed, then flush and close the producer.
Nothing handled is lost, and nothing is handled twice.
"""

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from faststream.kafka import KafkaBroker

from switchboard_platform.db.outbox import OutboxRelay
from switchboard_platform.logs import get_logger
from switchboard_platform.periodic import Periodic
from switchboard_platform.settings import Role

log = get_logger(__name__)


@asynccontextmanager
async def running(
    broker: KafkaBroker,
    relays: Sequence[OutboxRelay] = (),
    periodic: Sequence[Periodic] = (),
    *,
    role: Role = Role.ALL,
) -> AsyncIterator[None]:
    """`role`: an API process connects the producer only; consumers, relays and periodic
    work run in worker processes (and in `all`, one process doing both); a relay process
    runs the outbox relay alone (the relays of one database take turns, by a lock)."""
    if not role.consumes:
        await broker.connect()
        tasks = [
            asyncio.create_task(relay.run(), name="outbox-relay")
            for relay in (relays if role.relays else ())
        ]
        try:
            yield
        finally:
            for relay in relays:
                relay.stop()
            await asyncio.gather(*tasks, return_exceptions=True)
            await broker.stop()
        return
    await broker.start()
    tasks = [asyncio.create_task(relay.run(), name="outbox-relay") for relay in relays]
    timers = [asyncio.create_task(work.run(), name=work.name) for work in periodic]
    try:
        yield
    finally:
        log.info("stopping: periodic work, then consumers")
        for work in periodic:
            work.stop()
        await asyncio.gather(*timers, return_exceptions=True)
        for subscriber in broker.subscribers:
            await subscriber.stop()
        for relay in relays:
            relay.stop()
        await asyncio.gather(*tasks, return_exceptions=True)
        await broker.stop()
        log.info("stopped")
