"""One database transaction with the repositories a handler needs."""

import uuid
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from switchboard_contracts.enums import ChannelStatus, QueueStatus
from switchboard_contracts.envelope import Event
from switchboard_contracts.topics import Topic
from switchboard_conversation.adapters import tables
from switchboard_conversation.domain.channel import ChannelView
from switchboard_conversation.domain.conversation import (
    Conversation,
    Customer,
    Message,
    MessageAdded,
    State,
)
from switchboard_platform.db.idempotency import first_delivery
from switchboard_platform.db.outbox import enqueue


class UnitOfWork:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def __aenter__(self) -> Self:
        self.session = self._sessions()
        await self.session.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                await self.session.commit()
            else:
                await self.session.rollback()
        finally:
            await self.session.close()

    async def first_delivery(self, consumer: str, event_id: uuid.UUID) -> bool:
        return await first_delivery(
            self.session, tables.processed_events, consumer=consumer, event_id=event_id
        )

    async def publish(self, topic: Topic, event: Event[Any], *, key: str) -> None:
        await enqueue(self.session, tables.outbox, topic, event, key=key)

    # channels ------------------------------------------------------------------------------
    async def channels_for_account(self, account_id: str) -> list[ChannelView]:
        rows = await self.session.execute(
            select(tables.channels).where(tables.channels.c.twitter_account_id == account_id)
        )
        return [_channel(row) for row in rows]

    async def save_channel(self, view: ChannelView, snapshot: dict[str, Any]) -> bool:
        """Store a channel if `view` is newer than what we have; say whether it was."""
        values = {
            "id": view.id,
            "org_id": view.org_id,
            "twitter_account_id": view.twitter_account_id,
            "status": view.status.value,
            "auto_ownership": view.auto_ownership,
            "snapshot": snapshot,
            "revision": view.revision,
        }
        statement = (
            insert(tables.channels)
            .values(values)
            .on_conflict_do_update(
                index_elements=["id"], set_=values, where=tables.channels.c.revision < view.revision
            )
            .returning(tables.channels.c.id)
        )
        return (await self.session.execute(statement)).first() is not None

    # unrouted activity -----------------------------------------------------------------------
    async def park(
        self, event_id: uuid.UUID, account_id: str, value: str, received_at: datetime
    ) -> None:
        await self.session.execute(
            insert(tables.unrouted_activity)
            .values(
                event_id=event_id,
                twitter_account_id=account_id,
                value=value,
                received_at=received_at,
            )
            .on_conflict_do_nothing()
        )

    async def take_parked(self, account_id: str) -> list[str]:
        table = tables.unrouted_activity
        rows = await self.session.execute(
            delete(table)
            .where(table.c.twitter_account_id == account_id)
            .returning(table.c.value, table.c.received_at)
        )
        return [row.value for row in sorted(rows, key=lambda row: row.received_at)]

    # conversations ---------------------------------------------------------------------------
    async def conversation_for_update(
        self, channel_id: uuid.UUID, customer_id: str
    ) -> Conversation | None:
        c = tables.conversations.c
        row = (
            await self.session.execute(
                select(tables.conversations)
                .where(c.channel_id == channel_id, c.customer_id == customer_id)
                .with_for_update()
            )
        ).first()
        return None if row is None else Conversation(_state(row))

    async def has_message(self, conversation_id: uuid.UUID, twitter_id: str) -> bool:
        m = tables.messages.c
        found = await self.session.scalar(
            select(m.id).where(m.conversation_id == conversation_id, m.twitter_id == twitter_id)
        )
        return found is not None

    async def save(self, conversation: Conversation) -> None:
        state = conversation.state
        values = {
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
        }
        await self.session.execute(
            insert(tables.conversations)
            .values(values)
            .on_conflict_do_update(index_elements=["id"], set_=values)
        )
        for change, _ in conversation.changes:
            if isinstance(change, MessageAdded):
                await self._add_message(state.id, change.message)

    async def _add_message(self, conversation_id: uuid.UUID, message: Message) -> None:
        await self.session.execute(
            insert(tables.messages).values(
                id=message.id,
                conversation_id=conversation_id,
                direction=message.direction.value,
                kind=message.kind.value,
                twitter_id=message.twitter_id,
                text=message.text,
                author_customer_id=message.author_customer_id,
                author_user_id=message.author_user_id,
                created_at=message.created_at,
                delivery_state=message.delivery_state.value if message.delivery_state else None,
                in_reply_to_tweet_id=message.in_reply_to_tweet_id,
            )
        )


def _channel(row: Any) -> ChannelView:
    return ChannelView(
        id=row.id,
        org_id=row.org_id,
        twitter_account_id=row.twitter_account_id,
        status=ChannelStatus(row.status),
        auto_ownership=row.auto_ownership,
        revision=row.revision,
    )


def _state(row: Any) -> State:
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
    )
