"""Watching conversations.v1 from the outside while the run goes on, as any subscriber
would: every record kept (for the checker), inbound messages counted per second (for the
recovery times), and each conversation announced once (for the agents)."""

import asyncio
import contextlib
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError

from switchboard_contracts.topics import CONVERSATIONS


@dataclass(frozen=True)
class Seen:
    conversation_id: str
    org_id: str
    channel_id: str


@dataclass
class EventMonitor:
    bootstrap_servers: str
    started: float = field(default_factory=time.monotonic)
    records: list[tuple[str | None, bytes]] = field(default_factory=list)
    inbound_per_second: Counter[int] = field(default_factory=Counter)
    new_conversations: asyncio.Queue[Seen] = field(default_factory=asyncio.Queue)
    _inbound_ids: set[str] = field(default_factory=set)
    _conversations: set[str] = field(default_factory=set)
    _positions: dict[TopicPartition, int] = field(default_factory=dict)
    _task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="chaos-monitor")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    @property
    def inbound_messages(self) -> int:
        return len(self._inbound_ids)

    def rate(self, second: int) -> int:
        return self.inbound_per_second.get(second, 0)

    def now(self) -> float:
        return time.monotonic() - self.started

    async def _run(self) -> None:
        while True:  # the broker restarts during the run: start again where we were
            consumer = AIOKafkaConsumer(
                bootstrap_servers=self.bootstrap_servers, enable_auto_commit=False
            )
            try:
                await consumer.start()
                await self._consume(consumer)
            except KafkaError:
                await asyncio.sleep(1)
            finally:
                with contextlib.suppress(Exception):
                    await consumer.stop()

    async def _consume(self, consumer: AIOKafkaConsumer) -> None:
        topic = CONVERSATIONS.name
        partitions = [TopicPartition(topic, p) for p in range(CONVERSATIONS.partitions)]
        consumer.assign(partitions)
        positions = self._positions
        for tp in partitions:
            consumer.seek(tp, positions.get(tp, 0))
        while True:
            batch = await consumer.getmany(timeout_ms=500)
            for tp, records in batch.items():
                for record in records:
                    self._take(record.key, record.value)
                    positions[tp] = record.offset + 1

    def _take(self, key: bytes | None, value: bytes | None) -> None:
        if value is None:
            return
        self.records.append((key.decode() if key else None, value))
        event: dict[str, Any] = orjson.loads(value)
        payload = event.get("payload", {})
        state = payload.get("conversation") or {}
        message = payload.get("message")
        conversation_id = state.get("conversation_id")
        if conversation_id and conversation_id not in self._conversations:
            self._conversations.add(conversation_id)
            self.new_conversations.put_nowait(
                Seen(conversation_id, event["org_id"], state["channel_id"])
            )
        inbound = message is not None and message.get("direction") == "inbound"
        if inbound and event["event_id"] not in self._inbound_ids:
            self._inbound_ids.add(event["event_id"])
            self.inbound_per_second[int(self.now())] += 1
