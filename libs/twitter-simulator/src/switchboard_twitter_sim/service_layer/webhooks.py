"""Webhook registration with the CRC, per-account subscriptions, and replay."""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol
from urllib.parse import urlsplit

from switchboard_twitter_sim.domain import errors
from switchboard_twitter_sim.domain.model import Webhook
from switchboard_twitter_sim.domain.webhook_signatures import expected_crc_response
from switchboard_twitter_sim.service_layer.delivery import Dispatcher
from switchboard_twitter_sim.service_layer.world import World


class CrcProbe(Protocol):
    async def __call__(self, url: str, crc_token: str) -> str | None:
        """GET `url?crc_token=...`; the `response_token` it answered, or None."""
        ...


@dataclass(frozen=True)
class WebhookPolicy:
    require_https: bool
    max_webhooks: int
    replay_window: timedelta


async def register(world: World, probe: CrcProbe, policy: WebhookPolicy, url: str) -> Webhook:
    parts = urlsplit(url)
    schemes = ("https",) if policy.require_https else ("https", "http")
    if parts.scheme not in schemes or not parts.hostname or len(url) > 200:  # noqa: PLR2004
        raise errors.invalid_request("UrlValidationFailed", "url", url)
    if policy.require_https and parts.port is not None:
        raise errors.invalid_request("UrlValidationFailed", "url", url)
    if any(hook.url == url for hook in world.webhooks.values()):
        raise errors.invalid_request("DuplicateUrlFailed", "url", url)
    if len(world.webhooks) >= policy.max_webhooks:
        raise errors.invalid_request("WebhookLimitExceeded")
    if not await crc_passes(world, probe, url):
        raise errors.invalid_request("CrcValidationFailed", "url", url)
    hook = Webhook(world.ids.next(), url, world.clock.now())
    world.webhooks[hook.id] = hook
    return hook


async def revalidate(world: World, probe: CrcProbe, webhook_id: str) -> Webhook:
    hook = find(world, webhook_id)
    hook.valid = await crc_passes(world, probe, hook.url)
    if not hook.valid:
        raise errors.invalid_request("CrcValidationFailed", "webhook_id", webhook_id)
    return hook


async def crc_passes(world: World, probe: CrcProbe, url: str) -> bool:
    token = secrets.token_urlsafe(24)
    answer = await probe(url, token)
    return answer == expected_crc_response(world.app.consumer_secret, token)


def find(world: World, webhook_id: str) -> Webhook:
    hook = world.webhooks.get(webhook_id)
    if hook is None:
        raise errors.invalid_request("WebhookIdInvalid", "webhook_id", webhook_id)
    return hook


def delete(world: World, webhook_id: str) -> None:
    del world.webhooks[find(world, webhook_id).id]


def subscribe(world: World, webhook_id: str, user_id: str) -> None:
    hook = find(world, webhook_id)
    if not hook.valid:
        raise errors.invalid_request("WebhookInvalid: run the CRC again", "webhook_id", webhook_id)
    hook.subscriptions.setdefault(user_id, world.clock.now())


def unsubscribe(world: World, webhook_id: str, user_id: str) -> None:
    hook = find(world, webhook_id)
    if user_id not in hook.subscriptions:
        raise errors.invalid_request("SubscriptionNotFound", "user_id", user_id)
    del hook.subscriptions[user_id]


@dataclass(frozen=True)
class ReplayJob:
    job_id: str
    created_at: datetime
    deliveries: int


def replay(
    world: World,
    dispatcher: Dispatcher,
    policy: WebhookPolicy,
    webhook_id: str,
    *,
    from_date: str,
    to_date: str,
) -> ReplayJob:
    """Resend what was routed to the webhook in [from_date, to_date) (`yyyymmddhhmm`, UTC),
    within the replay window."""
    hook = find(world, webhook_id)
    start, end = _minute(from_date, "from_date"), _minute(to_date, "to_date")
    now = world.clock.now()
    if start >= end or start < now - policy.replay_window or end > now + timedelta(minutes=1):
        raise errors.invalid_request(
            f"from_date must precede to_date, both within the last "
            f"{policy.replay_window.total_seconds() / 3600:g} hours",
            "from_date",
            from_date,
        )
    count = 0
    for record in world.history:
        if record.webhook_id == hook.id and start <= record.at < end:
            dispatcher.submit(hook.id, hook.url, record.for_user_id, record.kind, record.body)
            count += 1
    return ReplayJob(world.ids.next(), now, count)


def _minute(value: str, name: str) -> datetime:
    invalid = errors.invalid_request(f"{name} must be yyyymmddhhmm", name, value)
    if len(value) != 12 or not value.isdigit():  # noqa: PLR2004
        raise invalid
    try:
        return datetime.strptime(value, "%Y%m%d%H%M").replace(tzinfo=UTC)
    except ValueError:
        raise invalid from None
