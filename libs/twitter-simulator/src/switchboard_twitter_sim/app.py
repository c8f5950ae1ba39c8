"""The composition root: the only place that builds and wires the simulator."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx2
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from switchboard_contracts.errors import ErrorBody
from switchboard_platform.http.app import create_app as create_service_app
from switchboard_platform.http.errors import error_response
from switchboard_platform.logs import configure_logging
from switchboard_twitter_sim.adapters.webhook_http import HttpWebhooks
from switchboard_twitter_sim.domain.clock import SimClock
from switchboard_twitter_sim.domain.ids import SnowflakeIds
from switchboard_twitter_sim.domain.model import App
from switchboard_twitter_sim.domain.oauth1 import NonceGuard
from switchboard_twitter_sim.domain.outage import Outage
from switchboard_twitter_sim.domain.rate_limits import EndpointLimits, Limit, RateLimiter
from switchboard_twitter_sim.entrypoints import (
    authorize_page,
    control_delivery_routes,
    control_world_routes,
    oauth_routes,
    send_routes,
    user_routes,
    webhook_routes,
)
from switchboard_twitter_sim.entrypoints.context import SimContext
from switchboard_twitter_sim.entrypoints.twitter_http import install_twitter_errors
from switchboard_twitter_sim.service_layer.authentication import Authenticator
from switchboard_twitter_sim.service_layer.delivery import DeliverySettings, Dispatcher
from switchboard_twitter_sim.service_layer.webhooks import WebhookPolicy
from switchboard_twitter_sim.service_layer.world import ConflictError, UnknownError, World
from switchboard_twitter_sim.settings import SimulatorSettings

SERVICE = "twitter-sim"


def create_app(
    settings: SimulatorSettings | None = None,
    *,
    webhook_transport: httpx2.AsyncBaseTransport | None = None,
) -> FastAPI:
    """Build the simulator; `webhook_transport` routes its CRC checks and deliveries
    (tests pass an in-process one; by default they go over the network)."""
    settings = settings or SimulatorSettings()
    client = httpx2.AsyncClient(transport=webhook_transport, follow_redirects=False)
    context = build_context(settings, client)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        configure_logging(service=SERVICE, level=settings.log_level, fmt=settings.log_format)
        try:
            yield
        finally:
            await context.dispatcher.close()
            await client.aclose()

    app = create_service_app(
        title="Twitter simulator",
        description="A local stand-in for the Twitter API (OAuth 1.0a, Account Activity "
        "webhooks, sending, rate limits), with a control API under /_sim for tests and demos.",
        lifespan=lifespan,
        checks={},
    )
    app.state.context = context
    install_twitter_errors(app)
    _install_control_errors(app)
    for module in (
        oauth_routes,
        authorize_page,
        webhook_routes,
        send_routes,
        user_routes,
        control_world_routes,
        control_delivery_routes,
    ):
        app.include_router(module.router)
    return app


def build_context(settings: SimulatorSettings, client: httpx2.AsyncClient) -> SimContext:
    clock = SimClock()
    app = App(
        id=settings.app_id,
        name=settings.app_name,
        url=settings.app_url,
        consumer_key=settings.consumer_key,
        consumer_secret=settings.consumer_secret.get_secret_value(),
        bearer_token=settings.bearer_token.get_secret_value(),
    )
    world = World(app, clock, SnowflakeIds(clock))
    world.reset(settings.seeds())
    webhooks = HttpWebhooks(
        client,
        app.consumer_secret,
        crc_timeout=settings.crc_timeout_seconds,
        delivery_timeout=settings.delivery_timeout_seconds,
    )
    delivery = DeliverySettings(
        retry_attempts=settings.retry_attempts,
        retry_backoff_seconds=settings.retry_backoff_seconds,
        concurrency=settings.delivery_concurrency,
    )
    return SimContext(
        settings=settings,
        world=world,
        authenticator=Authenticator(
            world, NonceGuard(max_skew_seconds=settings.oauth_timestamp_skew_seconds)
        ),
        limiter=_limiter(settings),
        outage=Outage(clock),
        dispatcher=Dispatcher(webhooks, clock, delivery),
        crc_probe=webhooks,
        webhook_policy=WebhookPolicy(
            require_https=settings.require_https_webhooks,
            max_webhooks=settings.max_webhooks,
            replay_window=timedelta(hours=settings.replay_hours),
        ),
        self_serve_rule=settings.self_serve_reply_rule,
    )


def _limiter(settings: SimulatorSettings) -> RateLimiter:
    return RateLimiter(
        {
            "tweets": EndpointLimits(Limit(settings.tweet_limit, settings.tweet_window_seconds)),
            "dm_events": EndpointLimits(
                Limit(settings.dm_limit, settings.dm_window_seconds),
                Limit(settings.dm_daily_limit, 86_400),
            ),
        },
        default=EndpointLimits(Limit(settings.default_limit, settings.default_window_seconds)),
    )


def _install_control_errors(app: FastAPI) -> None:
    @app.exception_handler(UnknownError)
    async def _unknown(_: Request, exc: UnknownError) -> JSONResponse:
        return error_response(ErrorBody(status=404, code="not_found", message=str(exc)))

    @app.exception_handler(ConflictError)
    async def _conflict(_: Request, exc: ConflictError) -> JSONResponse:
        return error_response(ErrorBody(status=409, code="conflict", message=str(exc)))
