"""Removing an account's Account Activity subscription once no organization uses it.

A disconnect records the intent (`webhook_unsubscriptions`) in its own transaction, so the
disconnect never fails or half-happens because Twitter is unreachable; the intent is then
performed at once, and whatever Twitter did not confirm is retried by `unsubscribe_due`,
on a timer (`Periodic`, in the composition root), with a doubling backoff (at most an
hour) until it is (at least once).

Performing one intent happens in one transaction that holds the intent's row lock and the
account's advisory lock (`UnitOfWork.lock_account`, also taken by the connect flow before
it stores a channel): if the account is connected as a channel in any organization, the
intent is dropped and the subscription kept; otherwise `DELETE .../subscriptions/{user_id}
/all` (app-only bearer). A connect racing with it therefore either commits first (the
intent is dropped) or waits for the DELETE to be done before it subscribes again.
The lock is held across that one HTTP call, bounded by `SB_CHANNEL_TWITTER_TIMEOUT_SECONDS`.
"""

from datetime import datetime, timedelta
from typing import Literal

from switchboard_channel import metrics
from switchboard_channel.adapters.twitter import TwitterError
from switchboard_channel.service_layer.context import ChannelContext
from switchboard_platform.logs import get_logger

log = get_logger(__name__)
MAX_BACKOFF_SECONDS = 3600.0
Outcome = Literal["unsubscribed", "absent", "kept", "postponed"]


async def unsubscribe_due(
    ctx: ChannelContext, *, account_id: str | None = None, now: datetime | None = None
) -> dict[str, int]:
    """Perform every due intent (only `account_id`'s when given), one transaction each;
    how many ended each way. Intents that fail are postponed, not raised."""
    counts: dict[str, int] = {}
    if ctx.webhook_url is None:
        return counts  # nothing was ever subscribed
    while (outcome := await _perform_one(ctx, ctx.webhook_url, account_id, now)) is not None:
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


async def _perform_one(
    ctx: ChannelContext, webhook_url: str, account_id: str | None, now: datetime | None
) -> Outcome | None:
    async with ctx.unit_of_work() as uow:
        at = now or ctx.clock()
        pending = await uow.unsubscriptions.take_due(at, account_id)
        if pending is None:
            return None
        account = pending.account_id
        await uow.channels.lock_account(account)
        if await uow.channels.account_connected(account):
            await uow.unsubscriptions.finish(account)
            log.info("subscription kept: the account is connected elsewhere", account_id=account)
            return "kept"
        try:
            removed = await ctx.twitter.unsubscribe(webhook_url, account)
        except TwitterError as exc:
            attempts = pending.attempts + 1
            delay = min(ctx.unsubscribe_backoff_seconds * 2 ** (attempts - 1), MAX_BACKOFF_SECONDS)
            await uow.unsubscriptions.postpone(
                account, attempts=attempts, not_before=at + timedelta(seconds=delay), error=str(exc)
            )
            metrics.TWITTER_SENDS.labels("unsubscribe", "retryable").inc()
            log.warning(
                "unsubscribe failed; retrying later",
                account_id=account,
                attempts=attempts,
                retry_in_seconds=delay,
                error=str(exc),
            )
            return "postponed"
        await uow.unsubscriptions.finish(account)
    outcome: Outcome = "unsubscribed" if removed else "absent"
    metrics.TWITTER_SENDS.labels("unsubscribe", outcome).inc()
    log.info("webhook subscription removed", account_id=account, outcome=outcome)
    return outcome
