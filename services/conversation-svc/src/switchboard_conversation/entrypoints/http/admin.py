"""The organization's topic list, and a channel's reports."""

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from switchboard_conversation.domain.errors import InvalidActionError
from switchboard_conversation.entrypoints.http.deps import Ctx, CurrentCaller, errors
from switchboard_conversation.entrypoints.http.schemas import (
    Percentiles,
    ReportOut,
    TopicIn,
    TopicOut,
)
from switchboard_conversation.service_layer import topics, views

router = APIRouter()


@router.get("/v1/topics", tags=["topics"], summary="The organization's topics", responses=errors())
async def list_topics(context: Ctx, caller: CurrentCaller) -> list[TopicOut]:
    return [TopicOut(**t.__dict__) for t in await topics.list_topics(context, caller)]


@router.post(
    "/v1/topics",
    status_code=201,
    tags=["topics"],
    summary="Add a topic (admins)",
    responses=errors(403, 409),
)
async def add_topic(body: TopicIn, context: Ctx, caller: CurrentCaller) -> TopicOut:
    return TopicOut(**(await topics.add_topic(context, caller, body.name)).__dict__)


@router.delete(
    "/v1/topics/{topic_id}",
    status_code=204,
    tags=["topics"],
    summary="Remove a topic (admins)",
    responses=errors(403, 404),
)
async def remove_topic(topic_id: uuid.UUID, context: Ctx, caller: CurrentCaller) -> None:
    await topics.remove_topic(context, caller, topic_id)


@router.get(
    "/v1/channels/{channel_id}/reports",
    tags=["reports"],
    summary="A channel's figures over [start, end) (Supervisor of the channel, or admin)",
    responses=errors(403, 404),
)
async def channel_report(
    channel_id: uuid.UUID,
    context: Ctx,
    caller: CurrentCaller,
    start: Annotated[datetime, Query(description="Inclusive, with a time zone")],
    end: Annotated[datetime, Query(description="Exclusive, with a time zone")],
) -> ReportOut:
    if start.tzinfo is None or end.tzinfo is None or end <= start:
        raise InvalidActionError("end", "start and end carry a time zone, and end > start.")
    found = await views.report(context, caller, channel_id, start, end)
    return ReportOut(
        channel_id=channel_id,
        start=start,
        end=end,
        created=found.created,
        reopened=found.reopened,
        resolved_by_hand=found.resolved_by_hand,
        auto_resolved=found.auto_resolved,
        queues=found.queues,
        first_response_seconds=Percentiles(
            median=found.first_response_seconds[0], p90=found.first_response_seconds[1]
        ),
        resolution_seconds=Percentiles(
            median=found.resolution_seconds[0], p90=found.resolution_seconds[1]
        ),
        replies_per_agent=found.replies_per_agent,
    )
