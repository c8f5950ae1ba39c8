"""Sending requested replies to Twitter, at least once in, at most once out.

Each request is recorded by its message id (see `domain.delivery`). The `sending` mark is
committed before Twitter is called; the result (`sent`/`failed`) and its event on
`replies.results.v1` are committed together after. A redelivered request whose record is
final is skipped; one found `sending` was interrupted between the call and the commit:
it is reconciled against what the account actually sent, and when that cannot be known
it is reported failed (`gave_up_retrying`) rather than sent twice.

Twitter's answers: 201 -> sent; 429 -> wait for `x-rate-limit-reset` and send again
(never dropped; waits longer than `rate_limit_inline_wait_seconds` are taken in slices,
each ending in a retryable error so the consumer's poll interval is never exceeded, and
the partition keeps its order); 5xx or no connection -> retried with backoff up to
`max_attempts`, then `gave_up_retrying`; 401 -> the channel becomes deauthorized and the
reply fails `channel_deauthorized`; 403 duplicate -> `duplicate_content`, not retried.
"""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from switchboard_channel.adapters.twitter import (
    RateLimited,
    Refused,
    Reply,
    Retryable,
    Sent,
    Unknown,
)
from switchboard_channel.adapters.unit_of_work import Delivery, UnitOfWork
from switchboard_channel.domain.credentials import AccountCredentials
from switchboard_channel.domain.delivery import DeliveryState
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
from switchboard_platform.logs import get_logger

log = get_logger(__name__)
SERVICE_ACTOR = Actor(kind=ActorKind.SERVICE, id="channel-svc")
RESULT_NAMESPACE = uuid.UUID("b0d7e3a2-4f51-4a8e-9c1d-5e2f7a6b3c90")


class RetryLaterError(TimeoutError):
    """Not yet: a rate-limit reset is further away than one attempt may wait. A
    `TimeoutError`, so the platform consumer retries it without limit (never dropped)."""


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

    async def run(self) -> None:
        ctx, p = self.ctx, self.event.payload
        async with ctx.unit_of_work() as uow:
            delivery = await uow.delivery(self.message_id)
            if delivery is not None and delivery.state.final:
                return  # a redelivery: the result is already on its way
            if delivery is None:
                now = ctx.clock()
                await uow.add_delivery(
                    message_id=self.message_id,
                    org_id=self.event.org_id,
                    channel_id=p.channel_id,
                    conversation_id=p.conversation_id,
                    at=now,
                )
                delivery = Delivery(self.message_id, DeliveryState.PENDING, 0, None, None)
            channel = await uow.channel(self.event.org_id, p.channel_id)
            blob = None if channel is None else await uow.credentials(channel.id)
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
        go on; False: settled here (sent, or failed because it cannot be known)."""
        since = (since or self.ctx.clock()) - timedelta(seconds=5)
        found = await self.ctx.reconciler.find_sent(account_id, self.reply, since)
        if isinstance(found, str):
            log.info("interrupted send had reached Twitter", message_id=str(self.message_id))
            await self._sent(found)
            return False
        if found is None:
            await self._fail(
                "gave_up_retrying",
                "Sending was interrupted and whether Twitter got it cannot be checked; "
                "not sent again to avoid a duplicate.",
            )
            return False
        return True

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
                state=DeliveryState.SENDING.value, sending_since=sending_since, not_before=None
            )
            outcome = await ctx.twitter.send(self.reply, credentials)
            match outcome:
                case Sent(twitter_id):
                    await self._sent(twitter_id)
                    return
                case RateLimited(reset_at):
                    not_before = datetime.fromtimestamp(reset_at, UTC) + timedelta(seconds=1)
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
                    if attempts >= policy.max_attempts:
                        await self._fail(
                            "gave_up_retrying", f"Twitter failed {attempts} times: {detail}"
                        )
                        return
                    await self._update(state=DeliveryState.PENDING.value, attempts=attempts)
                    await asyncio.sleep(policy.backoff_seconds * 2 ** (attempts - 1))

    async def _wait_until(self, not_before: datetime) -> None:
        wait = (not_before - self.ctx.clock()).total_seconds()
        if wait <= 0:
            return
        inline = self.ctx.delivery.rate_limit_inline_wait_seconds
        if wait > inline:
            await asyncio.sleep(inline)
            raise RetryLaterError(f"rate limited until {not_before.isoformat()}")
        await asyncio.sleep(wait)

    async def _update(self, **values: Any) -> None:
        async with self.ctx.unit_of_work() as uow:
            await uow.update_delivery(self.message_id, self.ctx.clock(), **values)

    async def _sent(self, twitter_id: str) -> None:
        now = self.ctx.clock()
        p = self.event.payload
        async with self.ctx.unit_of_work() as uow:
            await uow.update_delivery(
                self.message_id, now, state=DeliveryState.SENT.value, twitter_id=twitter_id
            )
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

    async def _fail(self, reason: str, detail: str) -> None:
        async with self.ctx.unit_of_work() as uow:
            await self._record_failure(uow, reason, detail)

    async def _record_failure(self, uow: UnitOfWork, reason: str, detail: str) -> None:
        now = self.ctx.clock()
        p = self.event.payload
        await uow.update_delivery(
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
            channel = await uow.channel(self.event.org_id, p.channel_id)
            changed = None if channel is None else channel.deauthorize(at=self.ctx.clock())
            if changed is not None:
                await uow.save_channel(changed)
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
