"""Connecting a Twitter account: the OAuth 1.0a "Authorize app" flow, then the webhook.

start (admin) -> request token (refused unless `oauth_callback_confirmed`) -> the browser
goes to Twitter's authorize page -> Twitter redirects to our callback with the token and
verifier (or `denied`) -> the state is taken (single use, expiring) -> access token ->
the account's display name (`GET /2/users/me`; the handle when that fails) -> the channel
is created (or re-authorized) with a `channels.v1` snapshot in the same transaction ->
the account is subscribed to the app's webhook.
"""

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from switchboard_channel.adapters.twitter import AccessToken, TwitterError
from switchboard_channel.domain.channel import AlreadyConnectedError, Change, Channel
from switchboard_channel.domain.oauth import OAuthState
from switchboard_channel.service_layer.context import ChannelContext
from switchboard_channel.service_layer.errors import (
    BadRequestError,
    ConflictError,
    UpstreamError,
    admins_only,
    channel_not_found,
)
from switchboard_channel.service_layer.published_events import TOPIC, snapshot
from switchboard_channel.service_layer.scope import visible_channel
from switchboard_contracts.enums import ActorKind, ChannelStatus
from switchboard_contracts.envelope import Actor
from switchboard_platform.auth.standing import Caller
from switchboard_platform.logs import get_logger

log = get_logger(__name__)
CALLBACK_PATH = "/v1/channels/twitter/callback"


@dataclass(frozen=True)
class Authorization:
    authorization_url: str
    expires_at: datetime


@dataclass(frozen=True)
class Connected:
    channel: Channel
    change: Change
    webhook_subscribed: bool


async def start(
    ctx: ChannelContext, caller: Caller, *, channel_id: uuid.UUID | None = None
) -> Authorization:
    if not caller.is_admin or caller.user_id is None:
        raise admins_only()
    if channel_id is not None:
        async with ctx.unit_of_work() as uow:
            await visible_channel(uow, caller, channel_id)
    state = secrets.token_urlsafe(32)
    callback = f"{ctx.public_url.rstrip('/')}{CALLBACK_PATH}?{urlencode({'state': state})}"
    try:
        request_token = await ctx.twitter.request_token(callback)
    except TwitterError as exc:
        log.warning("request token failed", error=str(exc))
        raise UpstreamError(
            "twitter_unavailable", "Twitter did not start the authorization."
        ) from exc
    now = ctx.clock()
    expires_at = now + timedelta(seconds=ctx.oauth_state_ttl_seconds)
    async with ctx.unit_of_work() as uow:
        await uow.oauth_states.purge_expired(now)
        await uow.oauth_states.add(
            OAuthState(
                state=state,
                org_id=caller.org_id,
                user_id=caller.user_id,
                channel_id=channel_id,
                request_token=request_token.token,
                request_token_secret_encrypted=ctx.cipher.encrypt_text(request_token.token_secret),
                expires_at=expires_at,
            )
        )
    return Authorization(ctx.twitter.authorization_url(request_token.token), expires_at)


async def complete(
    ctx: ChannelContext,
    *,
    state: str,
    oauth_token: str | None,
    oauth_verifier: str | None,
    denied: str | None,
) -> Connected:
    async with ctx.unit_of_work() as uow:  # committed at once: the state is used up
        found = await uow.oauth_states.take(state)
    if found is None:
        raise BadRequestError(
            "invalid_state", "This authorization is unknown or was already used.", "state"
        )
    if found.expires_at <= ctx.clock():
        raise BadRequestError("expired_state", "This authorization has expired; start again.")
    if denied is not None:
        raise BadRequestError(
            "authorization_cancelled",
            "Authorization cancelled: the Twitter account was not connected.",
        )
    if not oauth_token or not oauth_verifier:
        raise BadRequestError("invalid_callback", "Twitter's answer is incomplete.")
    if not secrets.compare_digest(oauth_token, found.request_token):
        raise BadRequestError(
            "token_mismatch", "Twitter answered for another authorization.", "oauth_token"
        )
    try:
        access = await ctx.twitter.access_token(
            found.request_token,
            ctx.cipher.decrypt_text(found.request_token_secret_encrypted),
            oauth_verifier,
        )
    except TwitterError as exc:
        log.warning("access token failed", error=str(exc))
        raise UpstreamError(
            "twitter_refused", "Twitter did not complete the authorization."
        ) from exc
    name = await account_name(ctx, access)
    try:
        channel, change = await _store(ctx, found, access, name)
    except AlreadyConnectedError:  # connected concurrently
        raise already_connected() from None
    subscribed = await subscribe(ctx, channel, access)
    log.info(
        "channel connected",
        channel_id=str(channel.id),
        account_id=channel.twitter_account_id,
        change=change,
        webhook_subscribed=subscribed,
    )
    return Connected(channel, change, subscribed)


def already_connected() -> ConflictError:
    return ConflictError(
        "already_connected", "This Twitter account is already a channel of the organization."
    )


async def account_name(ctx: ChannelContext, access: AccessToken) -> str | None:
    """The account's display name on Twitter (`GET /2/users/me` as the account); None when
    the lookup fails: cosmetic, so connecting goes on without it (logged)."""
    try:
        user = await ctx.twitter.me(access.credentials)
    except TwitterError as exc:
        log.warning("account name lookup failed", account_id=access.user_id, error=str(exc))
        return None
    if user.id != access.user_id or not user.name.strip():
        log.warning("account name lookup answered another account", account_id=access.user_id)
        return None
    return user.name


async def _store(
    ctx: ChannelContext, found: OAuthState, access: AccessToken, name: str | None
) -> tuple[Channel, Change]:
    now = ctx.clock()
    credentials = ctx.cipher.encrypt(access.credentials)
    async with ctx.unit_of_work() as uow:
        # Not while an unsubscription of this account is being performed (`unsubscribe`).
        await uow.channels.lock_account(access.user_id)
        if found.channel_id is not None:
            existing = await uow.channels.get(found.org_id, found.channel_id)
            if existing is None:
                raise channel_not_found()
            if existing.twitter_account_id != access.user_id:
                raise ConflictError(
                    "wrong_account",
                    f"This channel is @{existing.handle}; Twitter authorized "
                    f"@{access.screen_name}.",
                )
        else:
            existing = await uow.channels.by_account(found.org_id, access.user_id)
            if existing is not None and existing.status is ChannelStatus.CONNECTED:
                raise already_connected()
        change: Change
        if existing is None:
            channel = Channel.connect(
                channel_id=uuid.uuid4(),
                org_id=found.org_id,
                twitter_account_id=access.user_id,
                handle=access.screen_name,
                # The handle stands in for a name the lookup could not tell.
                name=name or access.screen_name,
                at=now,
            )
            change = "connected"
            await uow.channels.add(channel, credentials)
        else:
            channel = existing.reauthorize(handle=access.screen_name, name=name, at=now)
            change = "reauthorized"
            await uow.channels.save(channel, credentials=credentials)
        await uow.publish(
            TOPIC,
            snapshot(
                channel,
                change,
                actor=Actor(kind=ActorKind.USER, id=str(found.user_id)),
                correlation_id=uuid.uuid4(),
            ),
            key=str(channel.id),
        )
    return channel, change


async def subscribe(ctx: ChannelContext, channel: Channel, access: AccessToken) -> bool:
    """Subscribe the account to the app's webhook; a failure is logged and shown, and
    re-authorizing tries again (the channel itself is connected either way)."""
    if ctx.webhook_url is None:
        return False
    try:
        webhook_id = await ctx.twitter.ensure_webhook(ctx.webhook_url)
        subscribed = await ctx.twitter.subscribe(webhook_id, access.credentials)
    except Exception as exc:  # noqa: BLE001 - any failure leaves the channel unsubscribed
        log.warning(
            "webhook subscription failed", channel_id=str(channel.id), error=type(exc).__name__
        )
        subscribed = False
    async with ctx.unit_of_work() as uow:
        await uow.channels.mark_subscribed(channel.id, subscribed=subscribed)
    return subscribed
