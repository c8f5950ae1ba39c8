"""The Kafka subscriptions of conversation-svc: topic -> handler, nothing else."""

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

from switchboard_contracts.envelope import Event
from switchboard_contracts.topics import ACCESS, CHANNELS, REPLIES_RESULTS, TWITTER_ACTIVITY
from switchboard_conversation.service_layer.access_events import handle_access_event
from switchboard_conversation.service_layer.channels import handle_channel_snapshot
from switchboard_conversation.service_layer.context import ConversationContext
from switchboard_conversation.service_layer.replies import handle_reply_result
from switchboard_conversation.service_layer.twitter_activity import (
    apply_activity,
    handle_activity,
    prepare_batch,
)
from switchboard_platform.kafka.broker import EventPublisher
from switchboard_platform.kafka.consumer import Handler, Subscription


def subscriptions(
    *, context: ConversationContext, publisher: EventPublisher, group_id: str, service: str
) -> list[Subscription]:
    async def on_activity(event: Event[Any]) -> None:
        await handle_activity(context.unit_of_work(), event, clock=context.clock)

    @asynccontextmanager
    async def activity_batch(events: Sequence[Event[Any]]) -> AsyncIterator[Handler]:
        async with context.unit_of_work() as uow:
            uow.defer_writes()
            await prepare_batch(uow, events)
            yield partial(apply_activity, uow, clock=context.clock)

    async def on_channel(event: Event[Any]) -> None:
        await handle_channel_snapshot(context.unit_of_work(), event)

    async def on_reply_result(event: Event[Any]) -> None:
        await handle_reply_result(context.unit_of_work(), event)

    async def on_access(event: Event[Any]) -> None:
        await handle_access_event(context, event)

    return [
        Subscription(
            topic=topic,
            group_id=group_id,
            handler=handler,
            batch=batch,
            publisher=publisher,
            service=service,
        )
        for topic, handler, batch in (
            # The busy topic: customers' tweets and DMs, many to a transaction.
            (TWITTER_ACTIVITY, on_activity, activity_batch),
            (CHANNELS, on_channel, None),
            (REPLIES_RESULTS, on_reply_result, None),
            (ACCESS, on_access, None),
        )
    ]
