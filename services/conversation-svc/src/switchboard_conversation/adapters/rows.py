"""Rows <-> domain objects, one place for each shape."""

from datetime import timedelta
from typing import Any

from switchboard_contracts.enums import (
    ChannelStatus,
    DeliveryState,
    MessageDirection,
    MessageKind,
    QueueStatus,
)
from switchboard_conversation.domain.auto_resolve import AutoResolvePolicy
from switchboard_conversation.domain.channel import ChannelView
from switchboard_conversation.domain.conversation import State
from switchboard_conversation.domain.messages import Customer, Message


def channel(row: Any) -> ChannelView:
    return ChannelView(
        id=row.id,
        org_id=row.org_id,
        twitter_account_id=row.twitter_account_id,
        status=ChannelStatus(row.status),
        auto_ownership=row.auto_ownership,
        revision=row.revision,
        display_name=row.display_name,
        auto_resolve=AutoResolvePolicy(
            enabled=row.auto_resolve_enabled,
            new_after=timedelta(seconds=row.new_after_seconds),
            pending_after=timedelta(seconds=row.pending_after_seconds),
        ),
    )


def channel_values(view: ChannelView, snapshot: dict[str, Any]) -> dict[str, Any]:
    policy = view.auto_resolve
    return {
        "id": view.id,
        "org_id": view.org_id,
        "twitter_account_id": view.twitter_account_id,
        "status": view.status.value,
        "auto_ownership": view.auto_ownership,
        "snapshot": snapshot,
        "revision": view.revision,
        "display_name": view.display_name,
        "auto_resolve_enabled": policy.enabled,
        "new_after_seconds": int(policy.new_after.total_seconds()),
        "pending_after_seconds": int(policy.pending_after.total_seconds()),
    }


def state(row: Any) -> State:
    return State(
        id=row.id,
        org_id=row.org_id,
        channel_id=row.channel_id,
        customer=Customer(row.customer_id, row.customer_screen_name, row.customer_name),
        status=QueueStatus(row.status),
        owner_id=row.owner_id,
        tags=tuple(row.tags),
        topic_ids=tuple(row.topic_ids),
        created_at=row.created_at,
        last_activity_at=row.last_activity_at,
        revision=row.revision,
        updated_at=row.updated_at,
        last_customer_kind=MessageKind(row.last_customer_kind) if row.last_customer_kind else None,
        last_customer_tweet_id=row.last_customer_tweet_id,
    )


def state_values(state: State) -> dict[str, Any]:
    return {
        "id": state.id,
        "org_id": state.org_id,
        "channel_id": state.channel_id,
        "customer_id": state.customer.twitter_id,
        "customer_screen_name": state.customer.screen_name,
        "customer_name": state.customer.name,
        "status": state.status.value,
        "owner_id": state.owner_id,
        "tags": list(state.tags),
        "topic_ids": list(state.topic_ids),
        "created_at": state.created_at,
        "last_activity_at": state.last_activity_at,
        "revision": state.revision,
        "updated_at": state.updated_at,
        "last_customer_kind": state.last_customer_kind.value if state.last_customer_kind else None,
        "last_customer_tweet_id": state.last_customer_tweet_id,
    }


def message(row: Any) -> Message:
    return Message(
        id=row.id,
        direction=MessageDirection(row.direction),
        kind=MessageKind(row.kind),
        twitter_id=row.twitter_id,
        text=row.text,
        created_at=row.created_at,
        author_customer_id=row.author_customer_id,
        author_user_id=row.author_user_id,
        delivery_state=DeliveryState(row.delivery_state) if row.delivery_state else None,
        in_reply_to_tweet_id=row.in_reply_to_tweet_id,
        failure_reason=row.failure_reason,
        deleted=row.deleted,
    )


def message_values(conversation_id: Any, message: Message) -> dict[str, Any]:
    return {
        "id": message.id,
        "conversation_id": conversation_id,
        "direction": message.direction.value,
        "kind": message.kind.value,
        "twitter_id": message.twitter_id,
        "text": message.text,
        "author_customer_id": message.author_customer_id,
        "author_user_id": message.author_user_id,
        "created_at": message.created_at,
        "delivery_state": message.delivery_state.value if message.delivery_state else None,
        "in_reply_to_tweet_id": message.in_reply_to_tweet_id,
        "failure_reason": message.failure_reason,
        "deleted": message.deleted,
    }
