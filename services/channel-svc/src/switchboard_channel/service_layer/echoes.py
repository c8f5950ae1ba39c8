"""Keeping the account's recent echoes, what an interrupted send is reconciled against
(`adapters.reconcile.EchoReconciler`, `domain.echoes`).

Only what a reply of this service can have become is kept: the account's own tweets that
reply to a tweet, and its own DMs (`from_account`); each for `retention` after it was
created, then pruned on a timer. An echo older than that when it arrives is not kept.
Recording is idempotent (keyed by account and Twitter id), so redeliveries need no
bookkeeping.
"""

from datetime import timedelta
from typing import Any

from switchboard_channel.domain.echoes import Echo
from switchboard_channel.service_layer.context import ChannelContext
from switchboard_contracts.enums import MessageKind
from switchboard_contracts.envelope import Event
from switchboard_contracts.events.twitter import DirectMessageReceived, TweetReceived
from switchboard_platform.logs import get_logger

log = get_logger(__name__)


def echo_of(event: Event[Any]) -> Echo | None:
    """The echo an activity event is, or None: not the account's own reply or DM."""
    if isinstance(event, TweetReceived):
        p = event.payload
        if not p.from_account or p.in_reply_to_tweet_id is None:
            return None
        return Echo(
            p.account_id,
            p.tweet_id,
            MessageKind.TWEET,
            p.in_reply_to_tweet_id,
            p.text,
            p.created_at,
        )
    if isinstance(event, DirectMessageReceived):
        d = event.payload
        if not d.from_account:
            return None
        return Echo(
            d.account_id,
            d.dm_event_id,
            MessageKind.DIRECT_MESSAGE,
            d.recipient_id,
            d.text,
            d.created_at,
        )
    return None


async def record_echo(ctx: ChannelContext, echo: Echo, *, retention: timedelta) -> None:
    if echo.created_at < ctx.clock() - retention:
        return  # replayed or long delayed: no interrupted send waits for it any more
    async with ctx.unit_of_work() as uow:
        await uow.echoes.add(echo)


async def prune_echoes(ctx: ChannelContext, *, retention: timedelta) -> int:
    async with ctx.unit_of_work() as uow:
        pruned = await uow.echoes.prune(ctx.clock() - retention)
    if pruned:
        log.info("echoes pruned", count=pruned)
    return pruned
