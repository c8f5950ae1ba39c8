"""Which channels a caller may see: those of the caller's organization. Every route that
takes a channel id goes through `visible_channel`, so another organization's channel and
an id that exists nowhere answer the same 404 body."""

import uuid

from switchboard_channel.adapters.unit_of_work import UnitOfWork
from switchboard_channel.domain.channel import Channel
from switchboard_channel.service_layer.errors import channel_not_found
from switchboard_platform.auth.standing import Caller


async def visible_channel(uow: UnitOfWork, caller: Caller, channel_id: uuid.UUID) -> Channel:
    channel = await uow.channels.get(caller.org_id, channel_id)
    if channel is None:
        raise channel_not_found()
    return channel
