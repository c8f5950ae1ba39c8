"""Live pages: every console replica reads conversations.v1 from its end (no consumer group:
each replica needs every change, for the browsers connected to it) and hands each change
to the open pages of the event's organization. Only ids and the change's type go to the
browser; the page then asks conversation-svc, with the person's own token, what it may see."""

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer

from switchboard_contracts.topics import CONVERSATIONS
from switchboard_platform.kafka.naming import physical_name
from switchboard_platform.settings import KafkaSettings

log = logging.getLogger(__name__)
QUEUE_SIZE = 256  # a page that does not keep up misses changes, never slows the others


@dataclass(frozen=True)
class Change:
    type: str
    conversation_id: str | None
    channel_id: str | None

    def as_json(self) -> str:
        return json.dumps(
            {
                "type": self.type,
                "conversation_id": self.conversation_id,
                "channel_id": self.channel_id,
            }
        )


def change_of(value: bytes) -> tuple[uuid.UUID, Change] | None:
    """The organization and the change of one conversations.v1 record (None: not one)."""
    try:
        event = json.loads(value)
        org_id = uuid.UUID(str(event["org_id"]))
        subject = event.get("subject") or {}
        return org_id, Change(
            type=str(event["type"]),
            conversation_id=subject.get("conversation_id"),
            channel_id=subject.get("channel_id"),
        )
    except (ValueError, KeyError, TypeError):
        return None


class LiveFeed:
    def __init__(self) -> None:
        self._pages: dict[uuid.UUID, set[asyncio.Queue[Change]]] = {}

    def publish(self, org_id: uuid.UUID, change: Change) -> None:
        for queue in self._pages.get(org_id, ()):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(change)

    @asynccontextmanager
    async def subscribe(self, org_id: uuid.UUID) -> AsyncIterator[asyncio.Queue[Change]]:
        queue: asyncio.Queue[Change] = asyncio.Queue(QUEUE_SIZE)
        self._pages.setdefault(org_id, set()).add(queue)
        try:
            yield queue
        finally:
            self._pages[org_id].discard(queue)

    async def run(self, kafka: KafkaSettings) -> None:
        """Read conversations.v1 until cancelled, reconnecting when Kafka goes away."""
        topic = physical_name(CONVERSATIONS, kafka.topic_prefix)
        while True:
            consumer = AIOKafkaConsumer(
                topic,
                bootstrap_servers=kafka.bootstrap_servers,
                group_id=None,
                auto_offset_reset="latest",
                enable_auto_commit=False,
            )
            try:
                await consumer.start()
                async for record in consumer:
                    found = change_of(record.value) if record.value else None
                    if found is not None:
                        self.publish(*found)
            except asyncio.CancelledError:
                raise
            except Exception:  # a live page may miss changes; the console stays up
                log.warning("conversations.v1 unreachable; retrying", exc_info=True)
                await asyncio.sleep(1)
            finally:
                await consumer.stop()
