"""Keeping the local view of channels, and replaying activity that arrived before them."""

from datetime import timedelta
from typing import Any

from switchboard_contracts.envelope import Event
from switchboard_contracts.events.channels import ChannelSnapshot
from switchboard_contracts.events.twitter import DirectMessageReceived, TweetDeleted, TweetReceived
from switchboard_contracts.topics import TWITTER_ACTIVITY
from switchboard_conversation.adapters.unit_of_work import UnitOfWork
from switchboard_conversation.domain.auto_resolve import AutoResolvePolicy
from switchboard_conversation.domain.channel import ChannelView
from switchboard_conversation.service_layer.twitter_activity import route


async def handle_channel_snapshot(uow: UnitOfWork, event: Event[Any]) -> None:
    if not isinstance(event, ChannelSnapshot):
        return
    snapshot = event.payload
    settings = snapshot.auto_resolve
    view = ChannelView(
        id=snapshot.channel_id,
        org_id=event.org_id,
        twitter_account_id=snapshot.twitter_account_id,
        status=snapshot.status,
        auto_ownership=snapshot.auto_ownership,
        revision=snapshot.revision,
        display_name=snapshot.display_name,
        auto_resolve=AutoResolvePolicy(
            enabled=settings.enabled,
            new_after=timedelta(seconds=settings.new_after_seconds),
            pending_after=timedelta(seconds=settings.pending_after_seconds),
        ),
    )
    async with uow:
        await uow.lock_account(view.twitter_account_id)  # against a message parking itself now
        # Revisions make this idempotent and immune to reordering: older ones are ignored.
        if not await uow.save_channel(view, snapshot.model_dump(mode="json")):
            return
        if view.receives_messages:
            for value in await uow.take_parked(view.twitter_account_id):
                parked = TWITTER_ACTIVITY.parse(value)
                if isinstance(parked, TweetReceived | DirectMessageReceived | TweetDeleted):
                    await route(uow, parked)
