"""`twitter.app.revoked` (user_event.revoke / oauth.revoke through ingest-svc): every channel
of that account, in every organization that connected it, becomes deauthorized."""

from switchboard_channel.service_layer.context import ChannelContext
from switchboard_channel.service_layer.published_events import TOPIC, snapshot
from switchboard_contracts.enums import ActorKind
from switchboard_contracts.envelope import Actor
from switchboard_contracts.events.twitter import AppRevoked
from switchboard_platform.logs import get_logger

log = get_logger(__name__)
CONSUMER = "channel-svc/twitter.activity"


async def handle_app_revoked(ctx: ChannelContext, event: AppRevoked) -> None:
    account_id = event.payload.account_id
    async with ctx.unit_of_work() as uow:
        if not await uow.first_delivery(CONSUMER, event.event_id):
            return
        for channel in await uow.channels.of_account(account_id):
            changed = channel.deauthorize(at=ctx.clock())
            if changed is None:
                continue
            await uow.channels.save(changed)
            await uow.publish(
                TOPIC,
                snapshot(
                    changed,
                    "deauthorized",
                    actor=Actor(kind=ActorKind.TWITTER_ACCOUNT, id=account_id),
                    correlation_id=event.correlation_id,
                    causation_id=event.event_id,
                ),
                key=str(changed.id),
            )
            log.info("channel deauthorized: app revoked", channel_id=str(changed.id))
