"""Delivering webhook POSTs as Twitter does, with switches to test a receiver: duplicate
copies, holding deliveries to release them out of order, retries after a failed
delivery (and pretending a successful one failed, so the receiver sees a redelivery).

Deliveries go out one at a time, in order (or `concurrency` at once, as Twitter sends a
busy webhook many in parallel); a failed one is retried with exponential backoff without
holding up the others.
"""

import asyncio
import random
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal, Protocol

from switchboard_platform.logs import get_logger
from switchboard_twitter_sim.domain.clock import SimClock

log = get_logger(__name__)
ReleaseOrder = Literal["fifo", "reverse", "shuffle"]
DRAIN_LIMIT_SECONDS = 60.0


class WebhookSender(Protocol):
    async def post(self, url: str, body: bytes) -> int:
        """POST the signed body; the receiver's status code, or raise on a transport error."""
        ...


@dataclass
class DeliverySettings:
    duplicates: int = 0  # extra copies of every delivery
    hold: bool = False  # keep deliveries until released (to reorder them)
    retry_attempts: int = 3  # retries after a failed attempt
    retry_backoff_seconds: float = 1.0  # doubled on each retry
    drop_responses: int = 0  # treat the next N successful answers as failures
    concurrency: int = 1  # deliveries in flight at once (1: one at a time, in order)


@dataclass(frozen=True)
class Delivery:
    delivery_id: int
    webhook_id: str
    url: str
    for_user_id: str
    kind: str
    body: bytes
    attempt: int = 1


@dataclass(frozen=True)
class Attempt:
    delivery_id: int
    webhook_id: str
    url: str
    for_user_id: str
    kind: str
    attempt: int
    status_code: int | None
    error: str | None
    succeeded: bool
    at: datetime
    body: bytes = field(repr=False)


class Dispatcher:
    def __init__(self, sender: WebhookSender, clock: SimClock, settings: DeliverySettings) -> None:
        self.sender = sender
        self.clock = clock
        self.settings = settings
        self.attempts: list[Attempt] = []
        self._held: list[Delivery] = []
        self._queue: asyncio.Queue[Delivery] = asyncio.Queue()
        self._pending = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._next_id = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._workers: set[asyncio.Task[None]] = set()

    def submit(self, webhook_id: str, url: str, for_user_id: str, kind: str, body: bytes) -> None:
        self._next_id += 1
        delivery = Delivery(self._next_id, webhook_id, url, for_user_id, kind, body)
        for _ in range(1 + self.settings.duplicates):
            if self.settings.hold:
                self._held.append(delivery)
            else:
                self._enqueue(delivery)

    def release(self, order: ReleaseOrder = "reverse") -> int:
        held, self._held = self._held, []
        if order == "reverse":
            held.reverse()
        elif order == "shuffle":
            random.shuffle(held)
        for delivery in held:
            self._enqueue(delivery)
        return len(held)

    @property
    def held(self) -> int:
        return len(self._held)

    async def drain(self) -> None:
        """Wait until nothing is queued, in flight or waiting for a retry (held ones aside)."""
        async with asyncio.timeout(DRAIN_LIMIT_SECONDS):
            await self._idle.wait()

    async def close(self) -> None:
        tasks = [*self._tasks, *self._workers]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _enqueue(self, delivery: Delivery) -> None:
        self._pending += 1
        self._idle.clear()
        self._queue.put_nowait(delivery)
        # Workers live until closed; more start when `concurrency` was raised.
        while len(self._workers) < max(1, self.settings.concurrency):
            worker = asyncio.get_running_loop().create_task(self._work())
            self._workers.add(worker)
            worker.add_done_callback(self._workers.discard)

    async def _work(self) -> None:
        while True:
            delivery = await self._queue.get()
            if len(self._workers) > max(1, self.settings.concurrency):
                self._queue.put_nowait(delivery)  # lowered: this worker ends
                self._workers.discard(asyncio.current_task())
                return
            try:
                await self._attempt(delivery)
            finally:
                self._finished_one()

    async def _attempt(self, delivery: Delivery) -> None:
        status: int | None = None
        error: str | None = None
        try:
            status = await self.sender.post(delivery.url, delivery.body)
        except Exception as exc:  # noqa: BLE001 - any transport failure is a failed delivery
            error = f"{type(exc).__name__}: {exc}"[:300]
        succeeded = status is not None and 200 <= status < 300  # noqa: PLR2004
        if succeeded and self.settings.drop_responses > 0:
            self.settings.drop_responses -= 1
            succeeded, error = False, "response dropped by the simulator"
        self.attempts.append(
            Attempt(
                delivery.delivery_id,
                delivery.webhook_id,
                delivery.url,
                delivery.for_user_id,
                delivery.kind,
                delivery.attempt,
                status,
                error,
                succeeded,
                self.clock.now(),
                delivery.body,
            )
        )
        if not succeeded and delivery.attempt <= self.settings.retry_attempts:
            delay = self.settings.retry_backoff_seconds * 2 ** (delivery.attempt - 1)
            log.info("webhook delivery failed, retrying", url=delivery.url, delay=delay)
            self._pending += 1
            task = asyncio.get_running_loop().create_task(
                self._retry_later(replace(delivery, attempt=delivery.attempt + 1), delay)
            )
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _retry_later(self, delivery: Delivery, delay: float) -> None:
        await asyncio.sleep(delay)
        self._queue.put_nowait(delivery)  # counted as pending since the failure

    def _finished_one(self) -> None:
        self._pending -= 1
        if self._pending == 0:
            self._idle.set()
