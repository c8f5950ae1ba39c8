"""Channels: the aggregate with its encrypted credentials and webhook subscription, and
the per-account lock."""

import uuid
from typing import Any

from sqlalchemy import exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard_channel.adapters import tables
from switchboard_channel.domain.channel import AlreadyConnectedError, AutoResolve, Channel, Settings
from switchboard_contracts.enums import ChannelStatus


class ChannelRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, org_id: uuid.UUID, channel_id: uuid.UUID) -> Channel | None:
        """The channel, locked for the transaction; None when unknown in this organization."""
        c = tables.channels.c
        row = (
            await self._session.execute(
                select(tables.channels)
                .where(c.id == channel_id, c.org_id == org_id)
                .with_for_update()
            )
        ).first()
        return None if row is None else _channel(row)

    async def by_account(self, org_id: uuid.UUID, account_id: str) -> Channel | None:
        c = tables.channels.c
        row = (
            await self._session.execute(
                select(tables.channels)
                .where(c.org_id == org_id, c.twitter_account_id == account_id)
                .with_for_update()
            )
        ).first()
        return None if row is None else _channel(row)

    async def of_account(self, account_id: str) -> list[Channel]:
        c = tables.channels.c
        rows = await self._session.execute(
            select(tables.channels)
            .where(c.twitter_account_id == account_id)
            .order_by(c.id)
            .with_for_update()
        )
        return [_channel(row) for row in rows]

    async def in_org(self, org_id: uuid.UUID) -> list[Channel]:
        c = tables.channels.c
        rows = await self._session.execute(
            select(tables.channels).where(c.org_id == org_id).order_by(c.display_name, c.id)
        )
        return [_channel(row) for row in rows]

    async def credentials(self, channel_id: uuid.UUID) -> bytes | None:
        value = await self._session.scalar(
            select(tables.channels.c.credentials_encrypted).where(
                tables.channels.c.id == channel_id
            )
        )
        return None if value is None else bytes(value)

    async def add(self, channel: Channel, credentials: bytes) -> None:
        """Raises `AlreadyConnectedError` when the account has a channel in the
        organization already (the unique index decides between concurrent connects)."""
        try:
            await self._session.execute(
                insert(tables.channels).values(
                    **_values(channel),
                    credentials_encrypted=credentials,
                    created_at=channel.updated_at,
                )
            )
        except IntegrityError:
            raise AlreadyConnectedError(channel.twitter_account_id) from None

    async def save(
        self, channel: Channel, *, credentials: bytes | None = None, wipe_credentials: bool = False
    ) -> None:
        values = _values(channel)
        if credentials is not None:
            values["credentials_encrypted"] = credentials
        if wipe_credentials:
            values["credentials_encrypted"] = None
            values["webhook_subscribed"] = False
        await self._session.execute(
            update(tables.channels).where(tables.channels.c.id == channel.id).values(values)
        )

    async def mark_subscribed(self, channel_id: uuid.UUID, *, subscribed: bool) -> None:
        await self._session.execute(
            update(tables.channels)
            .where(tables.channels.c.id == channel_id)
            .values(webhook_subscribed=subscribed)
        )

    async def webhook_subscribed(self, channel_id: uuid.UUID) -> bool:
        value = await self._session.scalar(
            select(tables.channels.c.webhook_subscribed).where(tables.channels.c.id == channel_id)
        )
        return bool(value)

    async def lock_account(self, account_id: str) -> None:
        """Serialise what concerns one Twitter account's webhook subscription (connecting
        it, unsubscribing it) across organizations and replicas, until the commit."""
        key = func.hashtextextended(f"channel-svc/account/{account_id}", 0)
        await self._session.execute(select(func.pg_advisory_xact_lock(key)))

    async def account_connected(self, account_id: str) -> bool:
        """Is the account a connected channel in some organization?"""
        c = tables.channels.c
        return bool(
            await self._session.scalar(
                select(
                    exists().where(
                        c.twitter_account_id == account_id,
                        c.status == ChannelStatus.CONNECTED.value,
                    )
                )
            )
        )


def _values(channel: Channel) -> dict[str, Any]:
    settings = channel.settings
    return {
        "id": channel.id,
        "org_id": channel.org_id,
        "twitter_account_id": channel.twitter_account_id,
        "handle": channel.handle,
        "name": channel.name,
        "display_name": settings.display_name,
        "status": channel.status.value,
        "auto_ownership": settings.auto_ownership,
        "auto_resolve_enabled": settings.auto_resolve.enabled,
        "auto_resolve_new_seconds": settings.auto_resolve.new_after_seconds,
        "auto_resolve_pending_seconds": settings.auto_resolve.pending_after_seconds,
        "revision": channel.revision,
        "updated_at": channel.updated_at,
    }


def _channel(row: Any) -> Channel:
    return Channel(
        id=row.id,
        org_id=row.org_id,
        twitter_account_id=row.twitter_account_id,
        handle=row.handle,
        name=row.name,
        settings=Settings(
            display_name=row.display_name,
            auto_ownership=row.auto_ownership,
            auto_resolve=AutoResolve(
                enabled=row.auto_resolve_enabled,
                new_after_seconds=row.auto_resolve_new_seconds,
                pending_after_seconds=row.auto_resolve_pending_seconds,
            ),
        ),
        status=ChannelStatus(row.status),
        revision=row.revision,
        updated_at=row.updated_at,
    )
