"""A channel's reports (Supervisors of the channel and admins): the figures conversation-svc
computes over a window, with bar charts drawn as inline SVG on the server (no script)."""

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from switchboard_console.adapters.services import ServiceError
from switchboard_console.context import Ctx
from switchboard_console.entrypoints.render import render
from switchboard_console.entrypoints.session import PersonApi, SignedIn

router = APIRouter(include_in_schema=False)
WINDOWS = {"1": "the last day", "7": "the last 7 days", "30": "the last 30 days"}


def bars(values: dict[str, int]) -> list[dict[str, Any]]:
    """Each bar's label, value and width in percent of the largest."""
    top = max(values.values(), default=0) or 1
    return [
        {"label": label, "value": value, "width": round(100 * value / top, 1)}
        for label, value in values.items()
    ]


@router.get("/channels/{channel_id}/reports")
async def reports(
    channel_id: str, request: Request, ctx: Ctx, person: SignedIn, api: PersonApi
) -> HTMLResponse:
    days = request.query_params.get("days", "7")
    days = days if days in WINDOWS else "7"
    end = datetime.now(UTC)
    start = end - timedelta(days=int(days))
    try:
        report = await api.get(
            "conversation",
            f"/v1/channels/{channel_id}/reports",
            start=start.isoformat(),
            end=end.isoformat(),
        )
    except ServiceError as refused:
        return render(request, ctx, "error.html", refused.status, message=refused.message)
    channels = await api.get("channel", "/v1/channels")
    names = {}
    if person.is_admin:
        names = {u["id"]: u["display_name"] for u in await api.get("access", "/v1/users")}
    return render(
        request,
        ctx,
        "reports.html",
        report=report,
        days=days,
        windows=WINDOWS,
        channel=next((c for c in channels if c["id"] == channel_id), {"display_name": ""}),
        flow=bars(
            {
                "Created": report["created"],
                "Reopened": report["reopened"],
                "Resolved by hand": report["resolved_by_hand"],
                "Auto-resolved": report["auto_resolved"],
            }
        ),
        queues=bars({k.title(): int(v) for k, v in report["queues"].items()}),
        replies=bars({names.get(k, k[:8]): int(v) for k, v in report["replies_per_agent"].items()}),
    )
