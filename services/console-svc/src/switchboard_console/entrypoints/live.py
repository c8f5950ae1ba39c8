"""`GET /live`: server-sent events for the signed-in person's organization. Each event says
only which conversation changed; the page reloads what it shows of it with the person's
own token, so nothing reaches a browser that its person may not read."""

import asyncio
import uuid
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from switchboard_console.context import Ctx
from switchboard_console.entrypoints.session import SignedIn

router = APIRouter(include_in_schema=False)
HEARTBEAT_SECONDS = 15.0  # keeps proxies from closing an idle stream


@router.get("/live")
async def live(request: Request, ctx: Ctx, person: SignedIn) -> StreamingResponse:
    async def stream() -> AsyncIterator[str]:
        async with ctx.live.subscribe(uuid.UUID(person.org_id)) as changes:
            # Subscribed: from here on nothing is missed. The page reloads what it shows
            # once, for what changed between its render and this moment.
            yield "retry: 2000\nevent: hello\ndata: {}\n\n"
            while not await request.is_disconnected():
                try:
                    change = await asyncio.wait_for(changes.get(), HEARTBEAT_SECONDS)
                except TimeoutError:
                    yield ": heartbeat\n\n"
                    continue
                yield f"event: change\ndata: {change.as_json()}\n\n"

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"cache-control": "no-store", "x-accel-buffering": "no"},
    )
