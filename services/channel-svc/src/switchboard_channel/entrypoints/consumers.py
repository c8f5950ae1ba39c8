"""The Kafka subscriptions of channel-svc: topic -> handler, nothing else."""

from typing import Any

from switchboard_channel.service_layer.context import ChannelContext
from switchboard_channel.service_layer.delivery import handle_reply_requested
from switchboard_channel.service_layer.twitter_activity import handle_twitter_activity
from switchboard_contracts.envelope import Event
from switchboard_contracts.topics import REPLIES_REQUESTED, TWITTER_ACTIVITY
from switchboard_platform.kafka.broker import EventPublisher
from switchboard_platform.kafka.consumer import Subscription


def subscriptions(
    *, context: ChannelContext, publisher: EventPublisher, group_id: str, service: str
) -> list[Subscription]:
    async def on_reply_requested(event: Event[Any]) -> None:
        await handle_reply_requested(context, event)

    async def on_activity(event: Event[Any]) -> None:
        await handle_twitter_activity(context, event)

    return [
        Subscription(
            topic=REPLIES_REQUESTED,
            group_id=group_id,
            handler=on_reply_requested,
            publisher=publisher,
            service=service,
            max_batch=context.delivery.concurrency,
        ),
        Subscription(
            topic=TWITTER_ACTIVITY,
            group_id=group_id,
            handler=on_activity,
            publisher=publisher,
            service=service,
        ),
    ]
