"""The Kafka subscriptions of conversation-svc: topic -> handler, nothing else."""

from typing import Any

from switchboard_contracts.envelope import Event
from switchboard_contracts.topics import CHANNELS, TWITTER_ACTIVITY
from switchboard_conversation.adapters.unit_of_work import UnitOfWork
from switchboard_conversation.service_layer.channels import handle_channel_snapshot
from switchboard_conversation.service_layer.twitter_activity import handle_activity
from switchboard_platform.kafka.broker import EventPublisher
from switchboard_platform.kafka.consumer import Subscription


def subscriptions(
    *, uow: UnitOfWork, publisher: EventPublisher, group_id: str, service: str
) -> list[Subscription]:
    async def on_activity(event: Event[Any]) -> None:
        await handle_activity(uow, event)

    async def on_channel(event: Event[Any]) -> None:
        await handle_channel_snapshot(uow, event)

    return [
        Subscription(
            topic=TWITTER_ACTIVITY,
            group_id=group_id,
            handler=on_activity,
            publisher=publisher,
            service=service,
        ),
        Subscription(
            topic=CHANNELS,
            group_id=group_id,
            handler=on_channel,
            publisher=publisher,
            service=service,
        ),
    ]
