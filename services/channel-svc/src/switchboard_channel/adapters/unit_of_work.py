"""One database transaction with what a handler needs (SQLAlchemy Core)."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError

from switchboard_channel.adapters import tables
from switchboard_channel.domain.channel import AlreadyConnectedError, AutoResolve, Channel, Settings
from switchboard_channel.domain.delivery import DeliveryState
from switchboard_channel.domain.echoes import Echo
from switchboard_contracts.enums import ChannelStatus, MessageKind
from switchboard_platform.db.idempotency import first_delivery
from switchboard_platform.db.unit_of_work import SessionUnitOfWork


@dataclass(frozen=True)
class OAuthState:
    state: str
    org_id: uuid.UUID
    user_id: uuid.UUID
    channel_id: uuid.UUID | None
    request_token: str
    request_token_secret_encrypted: bytes
    expires_at: datetime


@dataclass(frozen=True)
class Delivery:
    message_id: uuid.UUID
    state: DeliveryState
    attempts: int
    not_before: datetime | None
    sending_since: datetime | None
    reconcile_until: datetime | None = None


@dataclass(frozen=True)
class PendingUnsubscription:
    account_id: str
    attempts: int


class UnitOfWork(SessionUnitOfWork):
    outbox = tables.outbox

    async def first_delivery(self, consumer: str, event_id: uuid.UUID) -> bool:
        return await first_delivery(
            self.session, tables.processed_events, consumer=consumer, event_id=event_id
        )

    # channels ------------------------------------------------------------------------------
    async def channel(self, org_id: uuid.UUID, channel_id: uuid.UUID) -> Channel | None:
        """The channel, locked for the transaction; None when unknown in this organization."""
        c = tables.channels.c
        row = (
            await self.session.execute(
                select(tables.channels)
                .where(c.id == channel_id, c.org_id == org_id)
                .with_for_update()
            )
        ).first()
        return None if row is None else _channel(row)

    async def channel_by_account(self, org_id: uuid.UUID, account_id: str) -> Channel | None:
        c = tables.channels.c
        row = (
            await self.session.execute(
                select(tables.channels)
                .where(c.org_id == org_id, c.twitter_account_id == account_id)
                .with_for_update()
            )
        ).first()
        return None if row is None else _channel(row)

    async def channels_of_account(self, account_id: str) -> list[Channel]:
        c = tables.channels.c
        rows = await self.session.execute(
            select(tables.channels)
            .where(c.twitter_account_id == account_id)
            .order_by(c.id)
            .with_for_update()
        )
        return [_channel(row) for row in rows]

    async def channels_in_org(self, org_id: uuid.UUID) -> list[Channel]:
        c = tables.channels.c
        rows = await self.session.execute(
            select(tables.channels).where(c.org_id == org_id).order_by(c.display_name, c.id)
        )
        return [_channel(row) for row in rows]

    async def credentials(self, channel_id: uuid.UUID) -> bytes | None:
        value = await self.session.scalar(
            select(tables.channels.c.credentials_encrypted).where(
                tables.channels.c.id == channel_id
            )
        )
        return None if value is None else bytes(value)

    async def add_channel(self, channel: Channel, credentials: bytes) -> None:
        """Raises `AlreadyConnectedError` when the account has a channel in the
        organization already (the unique index decides between concurrent connects)."""
        try:
            await self.session.execute(
                insert(tables.channels).values(
                    **_values(channel),
                    credentials_encrypted=credentials,
                    created_at=channel.updated_at,
                )
            )
        except IntegrityError:
            raise AlreadyConnectedError(channel.twitter_account_id) from None

    async def save_channel(
        self, channel: Channel, *, credentials: bytes | None = None, wipe_credentials: bool = False
    ) -> None:
        values = _values(channel)
        if credentials is not None:
            values["credentials_encrypted"] = credentials
        if wipe_credentials:
            values["credentials_encrypted"] = None
            values["webhook_subscribed"] = False
        await self.session.execute(
            update(tables.channels).where(tables.channels.c.id == channel.id).values(values)
        )

    async def mark_subscribed(self, channel_id: uuid.UUID, *, subscribed: bool) -> None:
        await self.session.execute(
            update(tables.channels)
            .where(tables.channels.c.id == channel_id)
            .values(webhook_subscribed=subscribed)
        )

    async def webhook_subscribed(self, channel_id: uuid.UUID) -> bool:
        value = await self.session.scalar(
            select(tables.channels.c.webhook_subscribed).where(tables.channels.c.id == channel_id)
        )
        return bool(value)

    async def lock_account(self, account_id: str) -> None:
        """Serialise what concerns one Twitter account's webhook subscription (connecting
        it, unsubscribing it) across organizations and replicas, until the commit."""
        key = func.hashtextextended(f"channel-svc/account/{account_id}", 0)
        await self.session.execute(select(func.pg_advisory_xact_lock(key)))

    async def account_connected(self, account_id: str) -> bool:
        """Is the account a connected channel in some organization?"""
        c = tables.channels.c
        return bool(
            await self.session.scalar(
                select(
                    exists().where(
                        c.twitter_account_id == account_id,
                        c.status == ChannelStatus.CONNECTED.value,
                    )
                )
            )
        )

    # webhook unsubscriptions ---------------------------------------------------------------
    async def request_unsubscription(self, account_id: str, at: datetime) -> None:
        """Record (or make due again) the intent to remove the account's subscription."""
        u = tables.webhook_unsubscriptions
        statement = pg_insert(u).values(
            twitter_account_id=account_id, requested_at=at, attempts=0, not_before=at
        )
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[u.c.twitter_account_id],
                set_={"requested_at": at, "not_before": at},
            )
        )

    async def take_due_unsubscription(
        self, now: datetime, account_id: str | None = None
    ) -> PendingUnsubscription | None:
        """One due intent, locked for the transaction (others' locked ones skipped)."""
        u = tables.webhook_unsubscriptions.c
        query = select(u.twitter_account_id, u.attempts).where(u.not_before <= now)
        if account_id is not None:
            query = query.where(u.twitter_account_id == account_id)
        row = (
            await self.session.execute(
                query.order_by(u.not_before).limit(1).with_for_update(skip_locked=True)
            )
        ).first()
        return None if row is None else PendingUnsubscription(row.twitter_account_id, row.attempts)

    async def finish_unsubscription(self, account_id: str) -> None:
        u = tables.webhook_unsubscriptions
        await self.session.execute(delete(u).where(u.c.twitter_account_id == account_id))

    async def postpone_unsubscription(
        self, account_id: str, *, attempts: int, not_before: datetime, error: str
    ) -> None:
        u = tables.webhook_unsubscriptions
        await self.session.execute(
            update(u)
            .where(u.c.twitter_account_id == account_id)
            .values(attempts=attempts, not_before=not_before, last_error=error[:500])
        )

    # OAuth state ---------------------------------------------------------------------------
    async def add_oauth_state(self, state: OAuthState) -> None:
        await self.session.execute(
            insert(tables.oauth_states).values(
                state=state.state,
                org_id=state.org_id,
                user_id=state.user_id,
                channel_id=state.channel_id,
                request_token=state.request_token,
                request_token_secret_encrypted=state.request_token_secret_encrypted,
                expires_at=state.expires_at,
            )
        )

    async def take_oauth_state(self, state: str) -> OAuthState | None:
        """Remove and return the state (single use): a second callback finds nothing."""
        s = tables.oauth_states
        row = (
            await self.session.execute(delete(s).where(s.c.state == state).returning(*s.c))
        ).first()
        if row is None:
            return None
        return OAuthState(
            state=row.state,
            org_id=row.org_id,
            user_id=row.user_id,
            channel_id=row.channel_id,
            request_token=row.request_token,
            request_token_secret_encrypted=bytes(row.request_token_secret_encrypted),
            expires_at=row.expires_at,
        )

    async def purge_expired_states(self, now: datetime) -> None:
        s = tables.oauth_states
        await self.session.execute(delete(s).where(s.c.expires_at < now))

    # ciphertext (the re-encryption job) ------------------------------------------------------
    async def ciphertext_keys(
        self,
        name: str,
        *,
        after: Any = None,
        among: Sequence[Any] | None = None,
        limit: int | None = None,
    ) -> list[Any]:
        """The keys of the rows holding ciphertext in the column `name` (one of
        `tables.ENCRYPTED_COLUMN_NAMES`), in key order (no lock)."""
        key, column = tables.ENCRYPTED_BY_NAME[name]
        query = select(key).where(column.is_not(None)).order_by(key).limit(limit)
        if after is not None:
            query = query.where(key > after)
        if among is not None:
            query = query.where(key.in_(among))
        return list((await self.session.scalars(query)).all())

    async def lock_ciphertexts(self, name: str, keys: Sequence[Any]) -> list[tuple[Any, bytes]]:
        """Those rows' ciphertexts, locked for the transaction; rows another transaction
        holds are skipped (the caller comes back for them)."""
        key, column = tables.ENCRYPTED_BY_NAME[name]
        rows = await self.session.execute(
            select(key, column)
            .where(key.in_(keys), column.is_not(None))
            .order_by(key)
            .with_for_update(skip_locked=True)
        )
        return [(row[0], bytes(row[1])) for row in rows]

    async def store_ciphertext(self, name: str, row_key: Any, value: bytes) -> None:
        key, column = tables.ENCRYPTED_BY_NAME[name]
        await self.session.execute(
            update(column.table).where(key == row_key).values({column.name: value})
        )

    # deliveries ----------------------------------------------------------------------------
    async def delivery(self, message_id: uuid.UUID) -> Delivery | None:
        d = tables.deliveries.c
        row = (
            await self.session.execute(
                select(tables.deliveries).where(d.message_id == message_id).with_for_update()
            )
        ).first()
        if row is None:
            return None
        return Delivery(
            message_id=row.message_id,
            state=DeliveryState(row.state),
            attempts=row.attempts,
            not_before=row.not_before,
            sending_since=row.sending_since,
            reconcile_until=row.reconcile_until,
        )

    async def add_delivery(
        self,
        *,
        message_id: uuid.UUID,
        org_id: uuid.UUID,
        channel_id: uuid.UUID,
        conversation_id: uuid.UUID,
        at: datetime,
    ) -> None:
        await self.session.execute(
            insert(tables.deliveries).values(
                message_id=message_id,
                org_id=org_id,
                channel_id=channel_id,
                conversation_id=conversation_id,
                state=DeliveryState.PENDING.value,
                attempts=0,
                created_at=at,
                updated_at=at,
            )
        )

    async def update_delivery(self, message_id: uuid.UUID, at: datetime, **values: Any) -> None:
        await self.session.execute(
            update(tables.deliveries)
            .where(tables.deliveries.c.message_id == message_id)
            .values(updated_at=at, **values)
        )

    async def record_sent(self, message_id: uuid.UUID, at: datetime, twitter_id: str) -> bool:
        """Mark the delivery sent with `twitter_id`; False, changing nothing, when that id
        is already another delivery's (the unique index decides, also between concurrent
        transactions: the later one waits for the earlier and then fails here)."""
        try:
            async with self.session.begin_nested():
                await self.update_delivery(
                    message_id, at, state=DeliveryState.SENT.value, twitter_id=twitter_id
                )
        except IntegrityError:
            return False
        return True

    async def claimed_twitter_ids(self, twitter_ids: Sequence[str]) -> frozenset[str]:
        """Which of these Twitter ids are already a delivery's."""
        if not twitter_ids:
            return frozenset()
        d = tables.deliveries.c
        rows = await self.session.scalars(select(d.twitter_id).where(d.twitter_id.in_(twitter_ids)))
        return frozenset(rows)

    # echoes --------------------------------------------------------------------------------
    async def add_echo(self, echo: Echo) -> None:
        """Idempotent: an echo delivered again is kept once."""
        await self.session.execute(
            pg_insert(tables.echoes)
            .values(
                account_id=echo.account_id,
                twitter_id=echo.twitter_id,
                kind=echo.kind.value,
                target=echo.target,
                text=echo.text,
                created_at=echo.created_at,
            )
            .on_conflict_do_nothing()
        )

    async def echoes(
        self, account_id: str, kind: MessageKind, target: str, since: datetime
    ) -> list[Echo]:
        e = tables.echoes.c
        rows = await self.session.execute(
            select(tables.echoes)
            .where(
                e.account_id == account_id,
                e.kind == kind.value,
                e.target == target,
                e.created_at >= since,
            )
            .order_by(e.created_at)
        )
        return [
            Echo(
                account_id=row.account_id,
                twitter_id=row.twitter_id,
                kind=MessageKind(row.kind),
                target=row.target,
                text=row.text,
                created_at=row.created_at,
            )
            for row in rows
        ]

    async def prune_echoes(self, before: datetime) -> int:
        result = await self.session.execute(
            delete(tables.echoes).where(tables.echoes.c.created_at < before)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


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
