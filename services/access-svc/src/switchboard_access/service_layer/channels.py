"""Keeping access-svc's view of channels from `channels.v1`, and listing it for admins."""

from typing import Any

from switchboard_access.adapters.unit_of_work import UnitOfWork
from switchboard_access.domain.model import Channel
from switchboard_access.service_layer.authorization import require_admin
from switchboard_contracts.envelope import Event
from switchboard_contracts.events.channels import ChannelSnapshot
from switchboard_platform.auth.standing import Caller
from switchboard_platform.kafka.consumer import PermanentError


async def handle_channel_snapshot(uow: UnitOfWork, event: Event[Any]) -> None:
    if not isinstance(event, ChannelSnapshot):
        return
    snapshot = event.payload
    channel = Channel(
        id=snapshot.channel_id,
        org_id=event.org_id,
        display_name=snapshot.display_name,
        status=snapshot.status,
        revision=snapshot.revision,
    )
    async with uow:
        owner = await uow.channels.org_of(channel.id)
        if owner is not None and owner != channel.org_id:
            # A channel never changes organization: this snapshot contradicts what we hold.
            raise PermanentError(
                "channel_org_mismatch",
                f"channel {channel.id} belongs to another organization than {channel.org_id}",
            )
        await uow.ensure_organization(channel.org_id)
        # Revisions make this idempotent and immune to reordering: older ones are ignored.
        await uow.channels.save_if_newer(channel, snapshot.updated_at)


async def list_channels(uow: UnitOfWork, caller: Caller) -> list[Channel]:
    async with uow:
        ctx = await require_admin(uow, caller)
        return await uow.channels.in_org(ctx.org_id)
