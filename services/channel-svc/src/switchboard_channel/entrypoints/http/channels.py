"""/v1/channels: connecting Twitter accounts, channel settings (admins), the selector."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from switchboard_channel.domain.channel import Channel
from switchboard_channel.entrypoints.http.deps import Context, errors
from switchboard_channel.entrypoints.http.schemas import (
    AuthorizationOut,
    AutoResolveOut,
    ChannelDetailOut,
    ChannelOut,
    ChannelPatch,
    ConnectedOut,
    SelectorItemOut,
)
from switchboard_channel.service_layer import channels, connect
from switchboard_platform.auth.standing import CurrentCaller

router = APIRouter(prefix="/v1/channels", tags=["channels"])


@router.post(
    "/twitter/authorizations",
    status_code=201,
    summary="Add Channel -> Twitter: start the authorization (admins)",
    description="Answers the URL of Twitter's authorize page; after the account approves, "
    "Twitter sends the browser to the callback, which creates the channel.",
    responses=errors(403, 502, 503),
)
async def start_connect(caller: CurrentCaller, ctx: Context) -> AuthorizationOut:
    started = await connect.start(ctx, caller)
    return AuthorizationOut(
        authorization_url=started.authorization_url, expires_at=started.expires_at
    )


@router.get(
    "/twitter/callback",
    summary="Twitter's redirect after the authorize page (no bearer: the state binds it)",
    description="Creates the channel (or re-authorizes it) and subscribes the account to the "
    "app's webhook. `denied` answers 400 `authorization_cancelled`.",
    responses=errors(400, 404, 409, 502),
)
async def callback(
    ctx: Context,
    state: Annotated[str, Query(max_length=64)],
    oauth_token: Annotated[str | None, Query(max_length=200)] = None,
    oauth_verifier: Annotated[str | None, Query(max_length=200)] = None,
    denied: Annotated[str | None, Query(max_length=200)] = None,
) -> ConnectedOut:
    done = await connect.complete(
        ctx, state=state, oauth_token=oauth_token, oauth_verifier=oauth_verifier, denied=denied
    )
    return ConnectedOut(
        change=done.change,
        webhook_subscribed=done.webhook_subscribed,
        channel=channel_out(done.channel),
    )


@router.get(
    "",
    summary="The channel selector: the channels the caller can access",
    description="Admins get every channel of the organization; others what access-svc "
    "grants them (disconnected channels left out there).",
    responses=errors(403, 502, 503),
)
async def selector(caller: CurrentCaller, ctx: Context) -> list[SelectorItemOut]:
    return [
        SelectorItemOut(
            id=item.channel.id,
            display_name=item.channel.settings.display_name,
            handle=item.channel.handle,
            url=item.channel.url,
            status=item.channel.status,
            role=item.role,
        )
        for item in await channels.selector(ctx, caller, caller.bearer)
    ]


@router.get(
    "/{channel_id}",
    summary="A channel with its settings and access (admins)",
    responses=errors(403, 404, 503),
)
async def get_channel(
    channel_id: uuid.UUID, caller: CurrentCaller, ctx: Context
) -> ChannelDetailOut:
    channel, subscribed = await channels.get(ctx, caller, channel_id)
    access = await channels.access_of(ctx, channel_id, caller.bearer)
    return ChannelDetailOut(
        **channel_out(channel).model_dump(), webhook_subscribed=subscribed, access=access
    )


@router.patch(
    "/{channel_id}",
    summary="Change display name, auto-ownership, auto-resolve (admins)",
    responses=errors(403, 404, 503),
)
async def update_channel(
    channel_id: uuid.UUID, body: ChannelPatch, caller: CurrentCaller, ctx: Context
) -> ChannelOut:
    auto = body.auto_resolve
    change = channels.SettingsChange(
        display_name=body.display_name,
        auto_ownership=body.auto_ownership,
        auto_resolve_enabled=auto.enabled if auto else None,
        new_after_seconds=auto.new_after_seconds if auto else None,
        pending_after_seconds=auto.pending_after_seconds if auto else None,
    )
    return channel_out(await channels.update(ctx, caller, channel_id, change))


@router.post(
    "/{channel_id}/authorizations",
    status_code=201,
    summary="Re-authorize the channel's account (fresh credentials; back to connected)",
    responses=errors(403, 404, 502, 503),
)
async def start_reauthorize(
    channel_id: uuid.UUID, caller: CurrentCaller, ctx: Context
) -> AuthorizationOut:
    started = await connect.start(ctx, caller, channel_id=channel_id)
    return AuthorizationOut(
        authorization_url=started.authorization_url, expires_at=started.expires_at
    )


@router.post(
    "/{channel_id}/disconnect",
    summary="Disconnect the channel: its credentials are deleted (admins)",
    responses=errors(403, 404, 503),
)
async def disconnect(channel_id: uuid.UUID, caller: CurrentCaller, ctx: Context) -> ChannelOut:
    return channel_out(await channels.disconnect(ctx, caller, channel_id))


def channel_out(channel: Channel) -> ChannelOut:
    settings = channel.settings
    return ChannelOut(
        id=channel.id,
        twitter_account_id=channel.twitter_account_id,
        handle=channel.handle,
        name=channel.name,
        url=channel.url,
        display_name=settings.display_name,
        status=channel.status,
        auto_ownership=settings.auto_ownership,
        auto_resolve=AutoResolveOut(
            enabled=settings.auto_resolve.enabled,
            new_after_seconds=settings.auto_resolve.new_after_seconds,
            pending_after_seconds=settings.auto_resolve.pending_after_seconds,
        ),
        revision=channel.revision,
        updated_at=channel.updated_at,
    )
