"""Handling what customers (and the account itself) did on Twitter."""

import uuid
from datetime import UTC, datetime
from typing import Any

from switchboard_contracts.enums import ActorKind, DeliveryState, MessageDirection, MessageKind
from switchboard_contracts.envelope import Actor, Event
from switchboard_contracts.events.twitter import TweetReceived
from switchboard_contracts.topics import CONVERSATIONS
from switchboard_conversation.adapters.unit_of_work import UnitOfWork
from switchboard_conversation.domain.channel import ChannelView
from switchboard_conversation.domain.conversation import Conversation, Customer, Message
from switchboard_conversation.service_layer.published_events import conversation_events

CONSUMER = "conversation-svc/twitter.activity"
MESSAGE_NAMESPACE = uuid.UUID("5d6f3c1a-0b7e-4e58-8f0a-2a4c9e7b1d33")


async def handle_activity(uow: UnitOfWork, event: Event[Any]) -> None:
    """Entry for every twitter.activity.v1 event; the skeleton acts on tweets."""
    if not isinstance(event, TweetReceived):
        return  # DMs, deletions, revocations: issue 6
    async with uow:
        if not await uow.first_delivery(CONSUMER, event.event_id):
            return
        await route_tweet(uow, event)


async def route_tweet(uow: UnitOfWork, event: TweetReceived) -> None:
    """Within the caller's transaction: apply a tweet to every channel of its account."""
    channels = await uow.channels_for_account(event.payload.account_id)
    if not channels:
        await uow.park(
            event.event_id, event.payload.account_id, event.model_dump_json(), datetime.now(UTC)
        )
        return
    for channel in channels:
        if channel.receives_messages:
            await _apply_tweet(uow, channel, event)


async def _apply_tweet(uow: UnitOfWork, channel: ChannelView, event: TweetReceived) -> None:
    tweet = event.payload
    conversation = await uow.conversation_for_update(channel.id, tweet.customer_id)
    if conversation is not None and await uow.has_message(conversation.state.id, tweet.tweet_id):
        return  # the same tweet through another delivery
    message = Message(
        id=uuid.uuid5(MESSAGE_NAMESPACE, f"{channel.id}/{tweet.tweet_id}"),
        direction=MessageDirection.OUTBOUND if tweet.from_account else MessageDirection.INBOUND,
        kind=MessageKind.TWEET,
        twitter_id=tweet.tweet_id,
        text=tweet.text,
        created_at=tweet.created_at,
        author_customer_id=None if tweet.from_account else tweet.author.id,
        delivery_state=DeliveryState.SENT if tweet.from_account else None,
        in_reply_to_tweet_id=tweet.in_reply_to_tweet_id,
    )
    if tweet.from_account:
        if conversation is None:
            return  # the account talking to someone who never wrote to it: not a case
        conversation.record_outbound(message)
    else:
        if conversation is None:
            conversation = Conversation.start(
                conversation_id=uuid.uuid4(),
                org_id=channel.org_id,
                channel_id=channel.id,
                customer=Customer(tweet.customer_id, tweet.author.screen_name, tweet.author.name),
                at=tweet.created_at,
            )
        conversation.receive(message)
    await uow.save(conversation)
    actor = Actor(kind=ActorKind.TWITTER_ACCOUNT, id=tweet.author.id)
    for outgoing in conversation_events(
        conversation.changes,
        actor=actor,
        correlation_id=event.correlation_id,
        causation_id=event.event_id,
    ):
        await uow.publish(CONVERSATIONS, outgoing, key=str(conversation.state.id))
