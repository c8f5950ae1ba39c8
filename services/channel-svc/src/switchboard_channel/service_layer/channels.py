"""Channel settings (admins) and the channel selector (everyone, via access-svc)."""

import uuid
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from switchboard_channel.adapters.access import AccessUnavailableError
from switchboard_channel.domain.channel import AutoResolve, Channel, ChannelError
from switchboard_channel.service_layer.context import ChannelContext
from switchboard_channel.service_layer.errors import (
    InvalidError,
    UpstreamError,
    admins_only,
)
from switchboard_channel.service_layer.published_events import TOPIC, snapshot
from switchboard_channel.service_layer.scope import visible_channel
from switchboard_channel.service_layer.unsubscribe import unsubscribe_due
from switchboard_contracts.enums import ActorKind, ChannelRole
from switchboard_contracts.envelope import Actor
from switchboard_platform.auth.standing import Caller
from switchboard_platform.logs import get_logger

log = get_logger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class SettingsChange:
    """What a PATCH asks for; None leaves a setting as it is."""

    display_name: str | None = None
    auto_ownership: bool | None = None
    auto_resolve_enabled: bool | None = None
    new_after_seconds: int | None = None
    pending_after_seconds: int | None = None


@dataclass(frozen=True)
class Selectable:
    channel: Channel
    role: ChannelRole


def _require_admin(caller: Caller) -> None:
    if not caller.is_admin:
        raise admins_only()


def _actor(caller: Caller) -> Actor:
    kind = ActorKind.SERVICE if caller.is_service else ActorKind.USER
    return Actor(kind=kind, id=caller.subject)


async def selector(ctx: ChannelContext, caller: Caller, bearer: str) -> list[Selectable]:
    """The channels the caller can access: all of the organization for an admin (as
    Supervisor), otherwise what access-svc says for this user."""
    async with ctx.unit_of_work() as uow:
        channels = await uow.channels.in_org(caller.org_id)
    if caller.is_admin:
        return [Selectable(channel, ChannelRole.SUPERVISOR) for channel in channels]
    if caller.user_id is None:
        return []
    try:
        accessible = await ctx.access.channels_of(caller.user_id, bearer)
    except AccessUnavailableError as exc:
        raise UpstreamError(
            "access_unavailable", "Channel access cannot be checked right now."
        ) from exc
    roles = {item.channel_id: item.role for item in accessible}
    return [Selectable(c, roles[c.id]) for c in channels if c.id in roles]


async def get(ctx: ChannelContext, caller: Caller, channel_id: uuid.UUID) -> tuple[Channel, bool]:
    _require_admin(caller)
    async with ctx.unit_of_work() as uow:
        channel = await visible_channel(uow, caller, channel_id)
        return channel, await uow.channels.webhook_subscribed(channel_id)


async def access_of(
    ctx: ChannelContext, channel_id: uuid.UUID, bearer: str
) -> dict[str, Any] | None:
    return await ctx.access.channel_access(channel_id, bearer)


async def update(
    ctx: ChannelContext, caller: Caller, channel_id: uuid.UUID, change: SettingsChange
) -> Channel:
    _require_admin(caller)
    async with ctx.unit_of_work() as uow:
        channel = await visible_channel(uow, caller, channel_id)
        current = channel.settings
        wanted = replace(
            current,
            display_name=_pick(change.display_name, current.display_name),
            auto_ownership=_pick(change.auto_ownership, current.auto_ownership),
            auto_resolve=AutoResolve(
                enabled=_pick(change.auto_resolve_enabled, current.auto_resolve.enabled),
                new_after_seconds=_pick(
                    change.new_after_seconds, current.auto_resolve.new_after_seconds
                ),
                pending_after_seconds=_pick(
                    change.pending_after_seconds, current.auto_resolve.pending_after_seconds
                ),
            ),
        )
        try:
            changed = channel.change_settings(wanted, at=ctx.clock())
        except ChannelError as exc:
            raise InvalidError(exc.code, str(exc), exc.field) from exc
        if changed is None:
            return channel
        await uow.channels.save(changed)
        await uow.publish(
            TOPIC,
            snapshot(
                changed, "settings_changed", actor=_actor(caller), correlation_id=uuid.uuid4()
            ),
            key=str(changed.id),
        )
        return changed


async def disconnect(ctx: ChannelContext, caller: Caller, channel_id: uuid.UUID) -> Channel:
    """Stop using the account: credentials are deleted (re-authorize to connect again), and
    its webhook subscription is removed unless another organization still has it connected:
    the intent is recorded in this transaction and performed after it (`unsubscribe`)."""
    _require_admin(caller)
    async with ctx.unit_of_work() as uow:
        channel = await visible_channel(uow, caller, channel_id)
        changed = channel.disconnect(at=ctx.clock())
        if changed is None:
            return channel
        await uow.channels.save(changed, wipe_credentials=True)
        if ctx.webhook_url is not None:
            await uow.unsubscriptions.request(changed.twitter_account_id, changed.updated_at)
        await uow.publish(
            TOPIC,
            snapshot(changed, "disconnected", actor=_actor(caller), correlation_id=uuid.uuid4()),
            key=str(changed.id),
        )
    try:  # at once; what fails here is retried by the Unsubscriber
        await unsubscribe_due(ctx, account_id=changed.twitter_account_id)
    except Exception:
        log.exception("unsubscribe after disconnect failed; retried later")
    return changed


def _pick(value: T | None, current: T) -> T:
    return current if value is None else value
