"""The Kafka subscriptions of conversation-svc: topic -> handler, nothing else."""

from typing import Any

from switchboard_contracts.envelope import Event
from switchboard_contracts.topics import ACCESS, CHANNELS, REPLIES_RESULTS, TWITTER_ACTIVITY
from switchboard_conversation.service_layer.access_events import handle_access_event
from switchboard_conversation.service_layer.channels import handle_channel_snapshot
from switchboard_conversation.service_layer.context import Context
from switchboard_conversation.service_layer.replies import handle_reply_result
from switchboard_conversation.service_layer.twitter_activity import handle_activity
from switchboard_platform.kafka.broker import EventPublisher
from switchboard_platform.kafka.consumer import Subscription


def subscriptions(
    *, context: Context, publisher: EventPublisher, group_id: str, service: str
) -> list[Subscription]:
    async def on_activity(event: Event[Any]) -> None:
        await handle_activity(context.unit_of_work(), event)

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
            publisher=publisher,
            service=service,
        )
        for topic, handler in (
            (TWITTER_ACTIVITY, on_activity),
            (CHANNELS, on_channel),
            (REPLIES_RESULTS, on_reply_result),
            (ACCESS, on_access),
        )
    ]
