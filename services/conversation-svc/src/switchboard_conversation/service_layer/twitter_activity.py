"""Handling what customers (and the account itself) did on Twitter.

- A customer's tweet or DM: into the conversation (created, or reopened into New).
- The account's own tweet or DM (an echo): nothing when its Twitter id is a message's
  already (the reply's `sent` result came first); held, unseen, while a reply it may be
  awaits its result (the result names the reply's Twitter id: see `replies.py`), for at
  most a time limit (`echo_expiry.py`); else a message posted from the Twitter app, stored
  as sent with no agent.
- A deleted tweet: its message is marked deleted. Revocations are channel-svc's business.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from switchboard_contracts.enums import ActorKind, DeliveryState, MessageDirection, MessageKind
from switchboard_contracts.envelope import Actor, Event
from switchboard_contracts.events.twitter import (
    DirectMessageReceived,
    TweetDeleted,
    TweetReceived,
    TwitterUser,
)
from switchboard_contracts.topics import TWITTER_ACTIVITY
from switchboard_conversation.adapters.unit_of_work import UnitOfWork
from switchboard_conversation.domain.channel import ChannelView
from switchboard_conversation.domain.conversation import Conversation
from switchboard_conversation.domain.messages import (
    Customer,
    Message,
    echo_awaits_result,
    echo_released,
)
from switchboard_conversation.service_layer.recording import record
from switchboard_platform.clock import Clock, utc_now

CONSUMER = "conversation-svc/twitter.activity"
MESSAGE_NAMESPACE = uuid.UUID("5d6f3c1a-0b7e-4e58-8f0a-2a4c9e7b1d33")
Routable = TweetReceived | DirectMessageReceived | TweetDeleted


@dataclass(frozen=True)
class Activity:
    """A tweet or a DM, the same for the rules that follow."""

    account_id: str
    customer: TwitterUser
    kind: MessageKind
    twitter_id: str
    text: str
    created_at: datetime
    from_account: bool
    in_reply_to_tweet_id: str | None = None


async def handle_activity(uow: UnitOfWork, event: Event[Any], *, clock: Clock = utc_now) -> None:
    """Entry for a twitter.activity.v1 event, in a transaction of its own."""
    if not isinstance(event, Routable):
        return
    async with uow:
        await apply_activity(uow, event, clock=clock)


async def apply_activity(uow: UnitOfWork, event: Event[Any], *, clock: Clock = utc_now) -> None:
    """Entry for a twitter.activity.v1 event within the caller's transaction (one batch's:
    an event later in it sees what the earlier ones wrote). Activity for an account with
    no channel known yet is parked, stamped by `clock`, until its channel's snapshot."""
    if not isinstance(event, Routable):
        return  # revocations, likes, follows: not conversation material
    first, channels = await uow.first_delivery_to_account(
        CONSUMER, event.event_id, event.payload.account_id
    )
    if not first:
        return
    if not await route(uow, event, channels):
        # No channel yet. Read again once no channel snapshot of this account is
        # mid-transaction: one that committed meanwhile is seen (READ COMMITTED), one that
        # comes later replays what is parked now.
        account_id = event.payload.account_id
        await uow.lock_account(account_id)
        if not await route(uow, event):
            await uow.park(event.event_id, account_id, event.model_dump_json(), clock())


async def prepare_batch(uow: UnitOfWork, events: Sequence[Event[Any]]) -> None:
    """Before a batch's `apply_activity` calls, in their transaction (writes deferred):
    what each of them reads first (is it a first delivery, the account's channels, the
    customer's conversation locked and whether it holds the message) read for all of them
    at once: three round trips for the batch instead of two per message."""
    routable = [event for event in events if isinstance(event, Routable)]
    channels = await uow.prefetch_activity(
        CONSUMER, [(event.event_id, event.payload.account_id) for event in routable]
    )
    wanted = [
        (channel.id, activity.customer.id, activity.twitter_id)
        for event in routable
        if not isinstance(event, TweetDeleted)
        for activity in (_activity(event),)
        for channel in channels.get(activity.account_id, ())
        if channel.receives_messages
    ]
    await uow.prefetch_conversations(wanted)


async def route(
    uow: UnitOfWork, event: Routable, channels: list[ChannelView] | None = None
) -> bool:
    """Within the caller's transaction: apply to every channel of the account (one account
    may be connected in several organizations). False: no channel is known yet.
    `channels`: the account's, when the caller has read them already."""
    if channels is None:
        channels = await uow.channels_for_account(event.payload.account_id)
    if not channels:
        return False
    for channel in channels:
        if not channel.receives_messages:
            continue
        if isinstance(event, TweetDeleted):
            await _delete(uow, channel, event)
        else:
            await _apply(uow, channel, _activity(event), event)
    return True


def _activity(event: TweetReceived | DirectMessageReceived) -> Activity:
    if isinstance(event, TweetReceived):
        tweet = event.payload
        customer = tweet.author if not tweet.from_account else TwitterUser(id=tweet.customer_id)
        return Activity(
            account_id=tweet.account_id,
            customer=customer,
            kind=MessageKind.TWEET,
            twitter_id=tweet.tweet_id,
            text=tweet.text,
            created_at=tweet.created_at,
            from_account=tweet.from_account,
            in_reply_to_tweet_id=tweet.in_reply_to_tweet_id,
        )
    dm = event.payload
    customer = dm.sender if not dm.from_account else TwitterUser(id=dm.customer_id)
    return Activity(
        account_id=dm.account_id,
        customer=customer,
        kind=MessageKind.DIRECT_MESSAGE,
        twitter_id=dm.dm_event_id,
        text=dm.text,
        created_at=dm.created_at,
        from_account=dm.from_account,
    )


async def _apply(
    uow: UnitOfWork, channel: ChannelView, activity: Activity, event: Event[Any]
) -> None:
    conversation, known = await uow.conversations.for_update_knowing(
        channel.id, activity.customer.id, activity.twitter_id
    )
    if known:
        return  # the same message through another delivery, or an echo already confirmed
    if activity.from_account:
        if conversation is None:
            return  # the account talking to someone who never wrote to it: not a conversation
        replies = await uow.conversations.awaiting_result(conversation.state.id)
        if echo_awaits_result(activity.kind, replies):
            await uow.conversations.hold_echo(
                conversation.state.id,
                twitter_id=activity.twitter_id,
                kind=activity.kind,
                created_at=activity.created_at,
                value=event.model_dump_json(),
            )
            return
        conversation.record_outbound(_message(channel.id, activity))
    else:
        if conversation is None:
            conversation = Conversation.start(
                conversation_id=uuid.uuid4(),
                org_id=channel.org_id,
                channel_id=channel.id,
                customer=Customer(
                    activity.customer.id, activity.customer.screen_name, activity.customer.name
                ),
                at=activity.created_at,
            )
        conversation.receive(_message(channel.id, activity))
    await _record(uow, conversation, activity, event)


async def _record(
    uow: UnitOfWork, conversation: Conversation, activity: Activity, event: Event[Any]
) -> None:
    """The conversation's changes, by the one who tweeted or wrote, caused by `event`."""
    actor = Actor(
        kind=ActorKind.TWITTER_ACCOUNT,
        id=activity.account_id if activity.from_account else activity.customer.id,
    )
    await record(
        uow,
        [conversation],
        actor=actor,
        correlation_id=event.correlation_id,
        causation_id=event.event_id,
    )


async def release_held_echoes(
    uow: UnitOfWork, conversation: Conversation, *, held_before: datetime | None = None
) -> int:
    """Within the caller's transaction, the conversation locked: the held echoes that no
    reply awaiting its result may be any more (after a reply's result), or held at or
    before `held_before` (the sweep), are posts from the Twitter app, recorded now as they
    would have been on arrival (same actor, causation and changes). How many."""
    held = await uow.conversations.held_echoes(conversation.state.id)
    if not held:
        return 0
    replies = await uow.conversations.awaiting_result(conversation.state.id)
    released = 0
    for echo in held:
        if not echo_released(echo, replies, held_before=held_before):
            continue
        if not await uow.conversations.forget_held_echo(conversation.state.id, echo.twitter_id):
            continue  # released already
        event = TWITTER_ACTIVITY.parse(echo.value)
        if not isinstance(event, TweetReceived | DirectMessageReceived):
            continue  # only echoes are held
        activity = _activity(event)
        conversation.record_outbound(_message(conversation.state.channel_id, activity))
        await _record(uow, conversation, activity, event)
        released += 1
    return released


def _message(channel_id: uuid.UUID, activity: Activity) -> Message:
    outbound = activity.from_account
    return Message(
        id=uuid.uuid5(MESSAGE_NAMESPACE, f"{channel_id}/{activity.twitter_id}"),
        direction=MessageDirection.OUTBOUND if outbound else MessageDirection.INBOUND,
        kind=activity.kind,
        twitter_id=activity.twitter_id,
        text=activity.text,
        created_at=activity.created_at,
        author_customer_id=None if outbound else activity.customer.id,
        delivery_state=DeliveryState.SENT if outbound else None,
        in_reply_to_tweet_id=activity.in_reply_to_tweet_id,
    )


async def _delete(uow: UnitOfWork, channel: ChannelView, event: TweetDeleted) -> None:
    deleted = event.payload
    customer_id = deleted.user_id
    conversation = await uow.conversations.for_update(channel.id, customer_id)
    if conversation is None:
        return  # the account's own tweet, or one never stored
    message = await uow.conversations.message_by_twitter_id(conversation.state.id, deleted.tweet_id)
    if message is None or message.deleted:
        return
    conversation.delete_message(message, at=deleted.deleted_at)
    await record(
        uow,
        [conversation],
        actor=Actor(kind=ActorKind.TWITTER_ACCOUNT, id=deleted.user_id),
        correlation_id=event.correlation_id,
        causation_id=event.event_id,
    )
