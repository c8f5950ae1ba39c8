"""`/_sim/...`: the control API's side of the machinery. The delivery log and its
switches (duplicates, holding for out-of-order release, retries, dropped responses),
rate limits, the clock, and a reset between tests."""

from typing import Annotated

from fastapi import APIRouter, Query

from switchboard_twitter_sim.control_models import (
    ClockAdvance,
    Count,
    DeliveryControls,
    DeliveryRecord,
    DeliveryStatus,
    OutageControls,
    OutageStatus,
    RateLimitUpdate,
    Release,
)
from switchboard_twitter_sim.domain.rate_limits import EndpointLimits, Limit
from switchboard_twitter_sim.entrypoints.context import Context
from switchboard_twitter_sim.entrypoints.control_views import attempt_view

router = APIRouter(prefix="/_sim", tags=["simulator control: delivery"])
RATE_LIMITED_ENDPOINTS = ("tweets", "dm_events", "webhooks", "subscriptions", "replay")


@router.get("/deliveries", summary="Every delivery attempt, oldest first")
async def deliveries(
    context: Context,
    for_user_id: Annotated[str | None, Query()] = None,
    kind: Annotated[str | None, Query(description="e.g. tweet_create_events")] = None,
) -> list[DeliveryRecord]:
    return [
        attempt_view(attempt)
        for attempt in context.dispatcher.attempts
        if (for_user_id is None or attempt.for_user_id == for_user_id)
        and (kind is None or attempt.kind == kind)
    ]


@router.delete("/deliveries", summary="Forget the delivery log")
async def clear_deliveries(context: Context) -> Count:
    count = len(context.dispatcher.attempts)
    context.dispatcher.attempts.clear()
    return Count(count=count)


@router.get("/delivery", summary="The delivery switches")
async def delivery_status(context: Context) -> DeliveryStatus:
    return DeliveryStatus(**vars(context.dispatcher.settings), held=context.dispatcher.held)


@router.put("/delivery", summary="Set the delivery switches")
async def configure_delivery(body: DeliveryControls, context: Context) -> DeliveryStatus:
    for name, value in body.model_dump().items():
        setattr(context.dispatcher.settings, name, value)
    return DeliveryStatus(**vars(context.dispatcher.settings), held=context.dispatcher.held)


@router.post("/delivery/release", summary="Send the held deliveries, in the given order")
async def release(body: Release, context: Context) -> Count:
    count = context.dispatcher.release(body.order)
    await context.dispatcher.drain()
    return Count(count=count)


@router.post("/delivery/drain", summary="Wait until every pending delivery was attempted")
async def drain(context: Context) -> Count:
    await context.dispatcher.drain()
    return Count(count=len(context.dispatcher.attempts))


@router.get("/outage", summary="The Twitter API outage, if one is on")
async def outage(context: Context) -> OutageStatus:
    return _outage_status(context)


@router.put("/outage", summary="Answer every API call with 5xx/429 for a while")
async def start_outage(body: OutageControls, context: Context) -> OutageStatus:
    context.outage.start(body.seconds, tuple(body.statuses))
    return _outage_status(context)


@router.delete("/outage", summary="End the outage now")
async def end_outage(context: Context) -> OutageStatus:
    context.outage.end()
    return _outage_status(context)


def _outage_status(context: Context) -> OutageStatus:
    current = context.outage
    return OutageStatus(
        remaining_seconds=current.remaining(),
        statuses=list(current.statuses),
        refused={str(code): n for code, n in sorted(current.refused.items())},
    )


@router.put("/rate-limits/{endpoint}", summary="Change an endpoint's per-account limit")
async def set_rate_limit(endpoint: str, body: RateLimitUpdate, context: Context) -> Count:
    daily = Limit(body.daily_limit, 86_400) if body.daily_limit is not None else None
    context.limiter.configure(
        endpoint, EndpointLimits(Limit(body.limit, body.window_seconds), daily)
    )
    return Count(count=body.limit)


@router.post("/clock/advance", summary="Move the simulator's clock forward")
async def advance_clock(body: ClockAdvance, context: Context) -> Count:
    context.world.clock.advance(body.seconds)
    return Count(count=int(context.world.clock.time()))


@router.post("/reset", summary="Forget everything but the seed accounts and the app")
async def reset(context: Context) -> Count:
    await context.dispatcher.drain()
    context.world.reset(context.settings.seeds())
    context.dispatcher.attempts.clear()
    context.limiter.reset()
    context.outage.end()
    return Count(count=len(context.world.users))
