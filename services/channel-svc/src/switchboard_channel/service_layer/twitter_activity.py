"""`twitter.activity.v1` in channel-svc: revocations deauthorize channels
(`revocation.py`); the account's own replies and DMs are kept a while to reconcile
interrupted sends (`echoes.py`). Everything else (customers' tweets and DMs, likes,
follows, deletions) is conversation-svc's business and is passed over without touching the
database."""

from typing import Any

from switchboard_channel.service_layer.context import ChannelContext
from switchboard_channel.service_layer.echoes import echo_of, record_echo
from switchboard_channel.service_layer.revocation import handle_app_revoked
from switchboard_contracts.envelope import Event
from switchboard_contracts.events.twitter import AppRevoked


async def handle_twitter_activity(ctx: ChannelContext, event: Event[Any]) -> None:
    if isinstance(event, AppRevoked):
        await handle_app_revoked(ctx, event)
    elif (echo := echo_of(event)) is not None:
        await record_echo(ctx, echo, retention=ctx.echo_retention)
