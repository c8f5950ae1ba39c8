"""A channel as this service sees it, and its queues; the queue across every channel the
caller can access."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from switchboard_contracts.enums import QueueStatus
from switchboard_contracts.events.channels import AutoResolve
from switchboard_conversation.domain.queues import Owner, QueueFilter, Sort
from switchboard_conversation.entrypoints.http.deps import Ctx, CurrentCaller, errors
from switchboard_conversation.entrypoints.http.schemas import (
    ChannelOut,
    ConversationOut,
    QueueOut,
)
from switchboard_conversation.service_layer import views
from switchboard_conversation.service_layer.views import Page

router = APIRouter(tags=["queues"])


async def _filter(
    *,
    queue: Annotated[QueueStatus | None, Query(description="new, pending or resolved")] = None,
    owner: Annotated[Owner | None, Query(description="me, nobody or someone")] = None,
    tag: Annotated[str | None, Query(max_length=100)] = None,
    topic_id: uuid.UUID | None = None,
    sort: Annotated[Sort, Query(description="By last activity (oldest: waited longest)")] = (
        "oldest"
    ),
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=500, description="From `next_cursor`")] = None,
) -> QueueFilter:
    return QueueFilter(
        channel_ids=[],
        status=queue,
        owner=owner,
        tag=tag,
        topic_id=topic_id,
        sort=sort,
        limit=limit,
        cursor=cursor,
    )


QueueQuery = Annotated[QueueFilter, Depends(_filter)]


def _out(page: Page) -> QueueOut:
    return QueueOut(items=[ConversationOut.of(r) for r in page.items], next_cursor=page.next_cursor)


@router.get(
    "/v1/channels/{channel_id}",
    tags=["channels"],
    summary="The channel's settings as this service applies them (revision included)",
    responses=errors(404),
)
async def channel(channel_id: uuid.UUID, context: Ctx, caller: CurrentCaller) -> ChannelOut:
    view = await views.channel(context, caller, channel_id)
    policy = view.auto_resolve
    return ChannelOut(
        id=view.id,
        revision=view.revision,
        status=view.status,
        display_name=view.display_name,
        auto_ownership=view.auto_ownership,
        auto_resolve=AutoResolve(
            enabled=policy.enabled,
            new_after_seconds=int(policy.new_after.total_seconds()),
            pending_after_seconds=int(policy.pending_after.total_seconds()),
        ),
    )


@router.get(
    "/v1/channels/{channel_id}/conversations",
    summary="A channel's conversations (one queue with `queue=`)",
    responses=errors(404),
)
async def channel_queue(
    channel_id: uuid.UUID, query: QueueQuery, context: Ctx, caller: CurrentCaller
) -> QueueOut:
    return _out(await views.channel_queue(context, caller, channel_id, query))


@router.get(
    "/v1/conversations",
    summary="Conversations across every channel the caller can access",
    responses=errors(),
)
async def my_queue(query: QueueQuery, context: Ctx, caller: CurrentCaller) -> QueueOut:
    return _out(await views.my_queue(context, caller, query))
