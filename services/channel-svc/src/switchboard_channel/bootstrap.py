"""The composition root of channel-svc: the only place that builds and wires things."""

from collections.abc import Callable
from datetime import timedelta
from functools import partial

import httpx
import httpx2
from fastapi import FastAPI
from pydantic import SecretStr

from switchboard_channel.adapters import tables
from switchboard_channel.adapters.access import AccessDirectory, HttpAccessDirectory
from switchboard_channel.adapters.crypto import CredentialCipher
from switchboard_channel.adapters.reconcile import (
    EchoReconciler,
    NoReconciler,
    Reconciler,
    SimulatorReconciler,
)
from switchboard_channel.adapters.twitter import TwitterApi
from switchboard_channel.adapters.unit_of_work import UnitOfWork
from switchboard_channel.domain.delivery import DeliveryPolicy
from switchboard_channel.entrypoints.consumers import subscriptions
from switchboard_channel.entrypoints.http import channels, deps
from switchboard_channel.service_layer.context import ChannelContext
from switchboard_channel.service_layer.echoes import prune_echoes
from switchboard_channel.service_layer.unsubscribe import unsubscribe_due
from switchboard_channel.settings import ChannelSettings
from switchboard_platform.auth.verifier import build_verifier
from switchboard_platform.db.engine import session_factory
from switchboard_platform.periodic import Periodic
from switchboard_platform.service import Plumbing, ServiceParts, service_app
from switchboard_platform.settings import DatabaseSettings

SERVICE = "channel-svc"
ECHO_PRUNE_INTERVAL_SECONDS = 60.0


def create_app(
    settings: ChannelSettings | None = None,
    *,
    twitter_transport: httpx2.AsyncBaseTransport | None = None,
    access: AccessDirectory | None = None,
) -> FastAPI:
    """`twitter_transport` and `access` let tests put the simulator and access-svc in
    process; by default both are reached over the network at their configured URLs."""
    settings = settings or ChannelSettings()
    plumbing = Plumbing.of(SERVICE, settings, settings.database)
    context = build_context(
        settings,
        unit_of_work=partial(UnitOfWork, session_factory(plumbing.engine)),
        twitter_transport=twitter_transport,
        access=access,
    )
    unsubscriber = Periodic(
        "unsubscribe",
        partial(unsubscribe_due, context),
        interval_seconds=settings.unsubscribe_interval_seconds,
    )
    echo_pruner = Periodic(
        "echo-prune",
        partial(prune_echoes, context, retention=context.echo_retention),
        interval_seconds=ECHO_PRUNE_INTERVAL_SECONDS,
    )
    return service_app(
        ServiceParts(
            name=SERVICE,
            settings=settings,
            plumbing=plumbing,
            outbox=tables.outbox,
            subscriptions=subscriptions,
            group_id=settings.consumer_group,
            verifier=build_verifier(settings.auth),
            standing=context.access,
            context=context,
            routers=[channels.router],
            periodic=[unsubscriber, echo_pruner],
            closing=[context.access.aclose, context.twitter.aclose],
            install=[deps.install],
        ),
        title="Switchboard channel-svc",
        description="Twitter channels: the OAuth connect flow, encrypted credentials, settings, "
        "the channel selector, and sending replies. Publishes channels.v1 and "
        "replies.results.v1; consumes replies.requested.v1 and twitter.activity.v1.",
    )


def build_context(
    settings: ChannelSettings,
    *,
    unit_of_work: Callable[[], UnitOfWork],
    twitter_transport: httpx2.AsyncBaseTransport | None = None,
    access: AccessDirectory | None = None,
) -> ChannelContext:
    reconciler: Reconciler
    match settings.reconcile:
        case "simulator":
            reconciler = SimulatorReconciler(settings.twitter_api_url, transport=twitter_transport)
        case "echoes":
            reconciler = EchoReconciler(
                unit_of_work, patience_seconds=settings.reconcile_window_seconds
            )
        case "none":
            reconciler = NoReconciler()
    return ChannelContext(
        unit_of_work=unit_of_work,
        cipher=CredentialCipher(settings.credential_keys),
        twitter=TwitterApi(
            api_url=settings.twitter_api_url,
            web_url=settings.twitter_web_url,
            consumer_key=settings.consumer_key,
            consumer_secret=settings.consumer_secret,
            timeout=settings.twitter_timeout_seconds,
            transport=twitter_transport,
        ),
        access=access
        or HttpAccessDirectory(
            settings.access_url,
            client=httpx.AsyncClient(base_url=settings.access_url, timeout=5.0),
            standing_ttl_seconds=settings.access_cache_seconds,
        ),
        reconciler=reconciler,
        echo_retention=timedelta(seconds=settings.echo_retention_seconds),
        public_url=settings.public_url,
        webhook_url=settings.webhook_url,
        oauth_state_ttl_seconds=settings.oauth_state_ttl_seconds,
        unsubscribe_backoff_seconds=settings.unsubscribe_backoff_seconds,
        delivery=DeliveryPolicy(
            max_attempts=settings.send_max_attempts,
            backoff_seconds=settings.send_backoff_seconds,
            rate_limit_inline_wait_seconds=settings.rate_limit_inline_wait_seconds,
            concurrency=settings.send_concurrency,
        ),
    )


# A syntactically valid Fernet key that encrypts nothing: the OpenAPI app never starts.
_PLACEHOLDER_KEY = "A" * 43 + "="


def openapi_app() -> FastAPI:
    """The app with placeholder settings, for the committed OpenAPI document."""
    return create_app(
        ChannelSettings(
            database=DatabaseSettings(url="postgresql+psycopg://placeholder@/x"),
            credential_keys=SecretStr(_PLACEHOLDER_KEY),
        )
    )
