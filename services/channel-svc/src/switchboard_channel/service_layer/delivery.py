"""Sending requested replies to Twitter, at least once in, at most once out.

Each request is recorded by its message id (see `domain.delivery`). The `sending` mark is
committed before Twitter is called; the result (`sent`/`failed`) and its event on
`replies.results.v1` are committed together after. A redelivered request whose record is
final is skipped; one found `sending` was interrupted between the call and the commit:
it is reconciled against what the account actually sent, and when that cannot be known
it is reported failed (`gave_up_retrying`) rather than sent twice. The echo reconciler's
answer may come later (the echo is on its way): the delivery then waits for it without
sending, polling every `RECONCILE_POLL_SECONDS`, for at most the reconciler's patience,
counted from the first look (`reconcile_until`, kept with the record, so a restart or a
rebalance does not extend it). Each handler call waits at most `RECONCILE_SLICE_SECONDS`
and then raises `ReconcileLaterError` (retryable, like a long rate-limit wait): the
partition waits meanwhile, in order, but the consumer's poll interval is never exceeded.

The decisions (when to try again, give up, or wait, and the reconcile window) are
`domain.delivery`'s; this module carries them out. Twitter's answers: 201 -> sent;
429 -> wait for `x-rate-limit-reset` and send again (never dropped; waits longer than
`rate_limit_inline_wait_seconds` are taken in slices, each ending in a retryable error so
the consumer's poll interval is never exceeded, and the partition keeps its order); 5xx
or no connection -> retried with backoff up to `max_attempts`, then `gave_up_retrying`;
401 -> the channel becomes deauthorized and the reply fails `channel_deauthorized`; 403
duplicate -> `duplicate_content`, not retried.
"""

import asyncio
import uuid
from datetime import datetime, timedelta
from typing import Any

from switchboard_channel.adapters.twitter import (
    RateLimited,
    Refused,
    Reply,
    Retryable,
    Sent,
    Unknown,
)
from switchboard_channel.adapters.unit_of_work import UnitOfWork
from switchboard_channel.domain.credentials import AccountCredentials
from switchboard_channel.domain.delivery import (
    Delivery,
    DeliveryState,
    rate_limited_until,
    reconcile_since,
    reconcile_until,
)
from switchboard_channel.metrics import RECONCILIATIONS
from switchboard_channel.service_layer.context import ChannelContext
from switchboard_channel.service_layer.published_events import TOPIC, snapshot
from switchboard_contracts.enums import ActorKind, ChannelStatus
from switchboard_contracts.envelope import Actor, Event, Subject
from switchboard_contracts.events.replies import (
    ReplyFailed,
    ReplyFailedPayload,
    ReplyRequested,
    ReplySent,
    ReplySentPayload,
)
from switchboard_contracts.topics import REPLIES_RESULTS
from switchboard_platform.kafka.consumer import RetryLaterError
from switchboard_platform.logs import get_logger

log = get_logger(__name__)
SERVICE_ACTOR = Actor(kind=ActorKind.SERVICE, id="channel-svc")
RESULT_NAMESPACE = uuid.UUID("b0d7e3a2-4f51-4a8e-9c1d-5e2f7a6b3c90")
# How long one handler call may block: the consumer's poll interval bounds it.
RECONCILE_POLL_SECONDS = 0.5
RECONCILE_SLICE_SECONDS = 10.0

__all__ = ["ReconcileLaterError", "RetryLaterError", "handle_reply_requested"]


class ReconcileLaterError(RetryLaterError):
    """Not yet: the echo of an interrupted send has not come, and its window is still open.
    Retried by the consumer like any `RetryLaterError`; the window bounds it."""


async def handle_reply_requested(ctx: ChannelContext, event: Event[Any]) -> None:
    if isinstance(event, ReplyRequested):
        await Delivering(ctx, event).run()


class Delivering:
    def __init__(self, ctx: ChannelContext, event: ReplyRequested) -> None:
        self.ctx = ctx
        self.event = event
        p = event.payload
        self.message_id = p.message_id
        self.reply = Reply(p.kind, p.text, p.customer_id, p.in_reply_to_tweet_id)
        self.reconcile_until: datetime | None = None
        self.echoes_expected = False

    async def run(self) -> None:
        ctx, p = self.ctx, self.event.payload
        async with ctx.unit_of_work() as uow:
            delivery = await uow.deliveries.get(self.message_id)
            if delivery is not None and delivery.state.final:
                return  # a redelivery: the result is already on its way
            if delivery is None:
                now = ctx.clock()
                await uow.deliveries.add(
                    message_id=self.message_id,
                    org_id=self.event.org_id,
                    channel_id=p.channel_id,
                    conversation_id=p.conversation_id,
                    at=now,
                )
                delivery = Delivery(self.message_id, DeliveryState.PENDING, 0, None, None)
            channel = await uow.channels.get(self.event.org_id, p.channel_id)
            blob = None if channel is None else await uow.channels.credentials(channel.id)
            # Echoes come only through the account's webhook subscription.
            self.echoes_expected = channel is not None and await uow.channels.webhook_subscribed(
                channel.id
            )
        self.reconcile_until = delivery.reconcile_until
        if channel is None:
            await self._fail("invalid_request", "The channel is unknown in this organization.")
            return
        if delivery.state is DeliveryState.SENDING and not await self._reconcile(
            channel.twitter_account_id, delivery.sending_since
        ):
            return
        if channel.status is not ChannelStatus.CONNECTED or blob is None:
            if channel.status is ChannelStatus.DEAUTHORIZED:
                await self._fail("channel_deauthorized", "The channel is deauthorized.")
            else:
                await self._fail("channel_disconnected", "The channel is disconnected.")
            return
        await self._send_loop(ctx.cipher.decrypt(blob), channel.twitter_account_id, delivery)

    async def _reconcile(self, account_id: str, since: datetime | None) -> bool:
        """An earlier attempt stopped after marking `sending`. True: certainly not sent,
        go on; False: settled here (sent, or failed because it cannot be known). May raise
        `ReconcileLaterError` while the answer may still come."""
        reconciler = self.ctx.reconciler
        since = reconcile_since(since, self.ctx.clock())
        found = await reconciler.find_sent(account_id, self.reply, since)
        if found is None and self.echoes_expected and reconciler.patience_seconds > 0:
            found = await self._await_answer(account_id, since)
        if isinstance(found, str):
            if not await self._sent(found):
                # Another interrupted delivery of the same text to the same target took
                # this echo first (the unique index decided): look again for this one's.
                RECONCILIATIONS.labels(reconciler.name, "claimed").inc()
                raise ReconcileLaterError(f"echo {found} is another delivery's; looking again")
            log.info("interrupted send had reached Twitter", message_id=str(self.message_id))
            RECONCILIATIONS.labels(reconciler.name, "sent").inc()
            return False
        if found is None:
            RECONCILIATIONS.labels(reconciler.name, "gave_up").inc()
            await self._fail(
                "gave_up_retrying",
                "Sending was interrupted and whether Twitter got it could not be confirmed; "
                "not sent again to avoid a duplicate.",
            )
            return False
        RECONCILIATIONS.labels(reconciler.name, "not_sent").inc()
        return True

    async def _await_answer(self, account_id: str, since: datetime) -> str | bool | None:
        """Asks again until the reconciler knows, its window closes (None) or this call's
        slice is used up (`ReconcileLaterError`). The window opens at the first look."""
        ctx = self.ctx
        now = ctx.clock()
        if self.reconcile_until is None:
            self.reconcile_until = reconcile_until(now, ctx.reconciler.patience_seconds)
            await self._update(reconcile_until=self.reconcile_until)
            log.info(
                "interrupted send: waiting for its echo",
                message_id=str(self.message_id),
                until=self.reconcile_until.isoformat(),
            )
        slice_ends = now + timedelta(seconds=RECONCILE_SLICE_SECONDS)
        while (now := ctx.clock()) < self.reconcile_until:
            if now >= slice_ends:
                raise ReconcileLaterError(
                    f"no echo yet; looking again until {self.reconcile_until.isoformat()}"
                )
            left = (self.reconcile_until - now).total_seconds()
            await asyncio.sleep(min(RECONCILE_POLL_SECONDS, left))
            found = await ctx.reconciler.find_sent(account_id, self.reply, since)
            if found is not None:
                return found
        return None

    async def _send_loop(
        self, credentials: AccountCredentials, account_id: str, delivery: Delivery
    ) -> None:
        ctx, policy = self.ctx, self.ctx.delivery
        attempts, not_before = delivery.attempts, delivery.not_before
        while True:
            if not_before is not None:
                await self._wait_until(not_before)
            sending_since = ctx.clock()
            await self._update(
                state=DeliveryState.SENDING.value,
                sending_since=sending_since,
                not_before=None,
                reconcile_until=None,
            )
            self.reconcile_until = None
            outcome = await ctx.twitter.send(self.reply, credentials)
            match outcome:
                case Sent(twitter_id):
                    await self._sent_new(twitter_id)
                    return
                case RateLimited(reset_at):
                    not_before = rate_limited_until(reset_at, ctx.clock())
                    log.info("rate limited", message_id=str(self.message_id), until=str(not_before))
                    await self._update(state=DeliveryState.PENDING.value, not_before=not_before)
                case Refused(_, "channel_deauthorized", detail):
                    await self._deauthorized(detail)
                    return
                case Refused(_, reason, detail):
                    await self._fail(reason, detail)
                    return
                case Retryable(detail) | Unknown(detail):
                    if isinstance(outcome, Unknown) and not await self._reconcile(
                        account_id, sending_since
                    ):
                        return
                    attempts += 1
                    if policy.gives_up(attempts):
                        await self._fail(
                            "gave_up_retrying", f"Twitter failed {attempts} times: {detail}"
                        )
                        return
                    await self._update(state=DeliveryState.PENDING.value, attempts=attempts)
                    await asyncio.sleep(policy.backoff(attempts))

    async def _wait_until(self, not_before: datetime) -> None:
        wait = self.ctx.delivery.rate_limit_wait(not_before, self.ctx.clock())
        if wait.seconds > 0:
            await asyncio.sleep(wait.seconds)
        if wait.then_retry_later:
            raise RetryLaterError(f"rate limited until {not_before.isoformat()}")

    async def _update(self, **values: Any) -> None:
        async with self.ctx.unit_of_work() as uow:
            await uow.deliveries.update(self.message_id, self.ctx.clock(), **values)

    async def _sent_new(self, twitter_id: str) -> None:
        """The id Twitter has just given: no other delivery can have it."""
        if not await self._sent(twitter_id):
            raise RuntimeError(f"Twitter's new id {twitter_id} is already another delivery's")

    async def _sent(self, twitter_id: str) -> bool:
        """Record and announce it; False (nothing done) when `twitter_id` is already another
        delivery's: only a reconciled echo can be, claimed at the same time by another."""
        now = self.ctx.clock()
        p = self.event.payload
        async with self.ctx.unit_of_work() as uow:
            if not await uow.deliveries.record_sent(self.message_id, now, twitter_id):
                return False
            await uow.publish(
                REPLIES_RESULTS,
                ReplySent(
                    **self._common(now),
                    payload=ReplySentPayload(
                        message_id=p.message_id,
                        conversation_id=p.conversation_id,
                        twitter_id=twitter_id,
                        sent_at=now,
                    ),
                ),
                key=str(p.conversation_id),
            )
        log.info("reply sent", message_id=str(p.message_id), twitter_id=twitter_id)
        return True

    async def _fail(self, reason: str, detail: str) -> None:
        async with self.ctx.unit_of_work() as uow:
            await self._record_failure(uow, reason, detail)

    async def _record_failure(self, uow: UnitOfWork, reason: str, detail: str) -> None:
        now = self.ctx.clock()
        p = self.event.payload
        await uow.deliveries.update(
            self.message_id, now, state=DeliveryState.FAILED.value, reason=reason, detail=detail
        )
        await uow.publish(
            REPLIES_RESULTS,
            ReplyFailed(
                **self._common(now),
                payload=ReplyFailedPayload(
                    message_id=p.message_id,
                    conversation_id=p.conversation_id,
                    reason=reason,
                    detail=detail[:1000],
                    failed_at=now,
                ),
            ),
            key=str(p.conversation_id),
        )
        log.info("reply failed", message_id=str(p.message_id), reason=reason)

    async def _deauthorized(self, detail: str) -> None:
        p = self.event.payload
        async with self.ctx.unit_of_work() as uow:
            channel = await uow.channels.get(self.event.org_id, p.channel_id)
            changed = None if channel is None else channel.deauthorize(at=self.ctx.clock())
            if changed is not None:
                await uow.channels.save(changed)
                await uow.publish(
                    TOPIC,
                    snapshot(
                        changed,
                        "deauthorized",
                        actor=SERVICE_ACTOR,
                        correlation_id=self.event.correlation_id,
                        causation_id=self.event.event_id,
                    ),
                    key=str(changed.id),
                )
            await self._record_failure(
                uow, "channel_deauthorized", f"Twitter refused the channel's token: {detail}"
            )

    def _common(self, now: datetime) -> dict[str, Any]:
        p = self.event.payload
        return {
            "event_id": uuid.uuid5(RESULT_NAMESPACE, str(p.message_id)),
            "occurred_at": now,
            "org_id": self.event.org_id,
            "producer": "channel-svc",
            "actor": SERVICE_ACTOR,
            "correlation_id": self.event.correlation_id,
            "causation_id": self.event.event_id,
            "subject": Subject(
                channel_id=p.channel_id,
                conversation_id=p.conversation_id,
                customer_id=p.customer_id,
            ),
        }
