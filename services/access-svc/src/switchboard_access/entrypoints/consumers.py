"""The Kafka subscriptions of access-svc: topic -> handler, nothing else."""

from typing import Any

from switchboard_access.service_layer.channels import handle_channel_snapshot
from switchboard_access.service_layer.context import AccessContext
from switchboard_contracts.envelope import Event
from switchboard_contracts.topics import CHANNELS
from switchboard_platform.kafka.broker import EventPublisher
from switchboard_platform.kafka.consumer import Subscription


def subscriptions(
    *, context: AccessContext, publisher: EventPublisher, group_id: str, service: str
) -> list[Subscription]:
    async def on_channel(event: Event[Any]) -> None:
        await handle_channel_snapshot(context.unit_of_work(), event)

    return [
        Subscription(
            topic=CHANNELS,
            group_id=group_id,
            handler=on_channel,
            publisher=publisher,
            service=service,
        )
    ]
