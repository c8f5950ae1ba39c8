"""The agents' inbox: the New / Pending / Resolved queues of one channel or of every channel
the person can access, with filters; a conversation with its messages, notes and history;
and every action on it. Controls show only where access-svc's check says the person may use
them; conversation-svc still decides every action."""

import asyncio
import re
import uuid
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from switchboard_console.adapters.services import Api, ServiceError
from switchboard_console.context import Ctx
from switchboard_console.entrypoints.render import back_to, live_digest, render, render_part
from switchboard_console.entrypoints.session import Form, PersonApi, SignedIn, field, flash

router = APIRouter(include_in_schema=False)
QUEUES = ("new", "pending", "resolved")
REPLY_KEY = re.compile(r"console-[0-9a-f-]{36}")  # what the reply form carries
CONTROLS = ("move", "label", "reply", "take_ownership", "assign_ownership", "view_reports")


@router.get("/")
async def home(person: SignedIn) -> Response:
    return back_to("/settings/channels" if person.is_admin else "/inbox")


def _filters(request: Request) -> dict[str, str]:
    q = request.query_params
    queue = q.get("queue", "new")
    return {
        "channel": q.get("channel", ""),
        "queue": queue if queue in QUEUES else "new",
        "owner": q.get("owner", "") if q.get("owner") in ("me", "nobody") else "",
        "tag": q.get("tag", "").strip(),
        "topic_id": q.get("topic_id", ""),
    }


async def _queue(api: Api, filters: dict[str, str]) -> list[dict[str, Any]]:
    path = (
        f"/v1/channels/{filters['channel']}/conversations"
        if filters["channel"]
        else "/v1/conversations"
    )
    page = await api.get(
        "conversation",
        path,
        queue=filters["queue"],
        owner=filters["owner"],
        tag=filters["tag"],
        topic_id=filters["topic_id"],
        sort="oldest",
        limit=100,
    )
    items: list[dict[str, Any]] = page["items"]
    return items


@router.get("/inbox")
async def inbox(request: Request, ctx: Ctx, api: PersonApi) -> HTMLResponse:
    filters = _filters(request)
    channels, topics = await asyncio.gather(
        api.get("channel", "/v1/channels"), api.get("conversation", "/v1/topics")
    )
    try:
        items = await _queue(api, filters)
    except ServiceError as refused:
        flash(request, refused.message, "error")
        items = []
    names = {c["id"]: c["display_name"] for c in channels}
    return render(
        request,
        ctx,
        "inbox.html",
        filters=filters,
        channels=channels,
        names=names,
        topics=topics,
        items=items,
        queues=QUEUES,
        live_digest=live_digest({"items": items, "names": names}),
    )


@router.get("/inbox/list")
async def inbox_list(request: Request, ctx: Ctx, api: PersonApi) -> HTMLResponse:
    """The queue alone, which the page reloads in place when a change arrives."""
    filters = _filters(request)
    channels, items = await asyncio.gather(api.get("channel", "/v1/channels"), _queue(api, filters))
    names = {c["id"]: c["display_name"] for c in channels}
    digest = live_digest({"items": items, "names": names})
    return render_part(
        request, ctx, "_queue.html", digest, filters=filters, items=items, names=names
    )


async def _may(api: Api, person: SignedIn, channel_id: str) -> dict[str, bool]:
    """What the person may do on the channel, as access-svc's check answers now."""

    async def one(action: str) -> bool:
        answer = await api.post(
            "access",
            "/v1/check",
            {"user_id": person.user_id, "channel_id": channel_id, "action": action},
        )
        return bool(answer["allowed"])

    allowed = await asyncio.gather(*(one(action) for action in CONTROLS))
    return dict(zip(CONTROLS, allowed, strict=True))


async def _conversation_values(api: Api, person: SignedIn, conversation_id: str) -> dict[str, Any]:
    detail = await api.get("conversation", f"/v1/conversations/{conversation_id}")
    channel_id = detail["conversation"]["channel_id"]
    may, topics, channels = await asyncio.gather(
        _may(api, person, channel_id),
        api.get("conversation", "/v1/topics"),
        api.get("channel", "/v1/channels"),
    )
    shown = {
        "detail": detail,
        "c": detail["conversation"],
        "may": may,
        "topics": topics,
        "topic_names": {t["id"]: t["name"] for t in topics},
        "channel": next((ch for ch in channels if ch["id"] == channel_id), None),
    }
    # The reply key is new on every render and kept by the page (hx-preserve): not shown.
    return {**shown, "live_digest": live_digest(shown), "reply_key": f"console-{uuid.uuid4()}"}


@router.get("/conversations/{conversation_id}")
async def conversation(
    conversation_id: str, request: Request, ctx: Ctx, person: SignedIn, api: PersonApi
) -> HTMLResponse:
    try:
        values = await _conversation_values(api, person, conversation_id)
    except ServiceError as refused:
        return render(request, ctx, "error.html", refused.status, message=refused.message)
    return render(request, ctx, "conversation.html", **values)


@router.get("/conversations/{conversation_id}/part")
async def conversation_part(
    conversation_id: str, request: Request, ctx: Ctx, person: SignedIn, api: PersonApi
) -> HTMLResponse:
    """The conversation's messages and state alone, reloaded in place on a change (a
    reply's delivery state, the customer's answer)."""
    values = await _conversation_values(api, person, conversation_id)
    return render_part(request, ctx, "_conversation.html", values["live_digest"], **values)


async def _act(
    request: Request,
    api: Api,
    conversation_id: str,
    method: str,
    path: str,
    *,
    body: Any,
    headers: dict[str, str] | None = None,
) -> Response:
    try:
        await api.call(
            "conversation",
            method,
            f"/v1/conversations/{conversation_id}{path}",
            json=body,
            headers=headers,
        )
    except ServiceError as refused:
        flash(request, refused.message, "error")
    return back_to(f"/conversations/{conversation_id}")


@router.post("/conversations/{conversation_id}/reply")
async def reply(conversation_id: str, request: Request, api: PersonApi, data: Form) -> Response:
    body: dict[str, Any] = {"text": field(data, "text")}
    if field(data, "kind") in ("tweet", "direct_message"):
        body["kind"] = field(data, "kind")
    if field(data, "then") in ("pending", "resolved"):
        body["then"] = field(data, "then")
    # The form's own key: a second submit of the same form (a double click, the browser
    # sending it again) finds the reply made by the first instead of sending another.
    key = field(data, "reply_key")
    headers = {"idempotency-key": key} if REPLY_KEY.fullmatch(key) else None
    return await _act(request, api, conversation_id, "POST", "/replies", body=body, headers=headers)


@router.post("/conversations/{conversation_id}/move")
async def move(conversation_id: str, request: Request, api: PersonApi, data: Form) -> Response:
    return await _act(
        request, api, conversation_id, "POST", "/status", body={"status": field(data, "status")}
    )


@router.post("/conversations/{conversation_id}/take")
async def take(conversation_id: str, request: Request, api: PersonApi, data: Form) -> Response:
    del data  # the CSRF check is the point
    return await _act(request, api, conversation_id, "POST", "/take", body=None)


@router.post("/conversations/{conversation_id}/owner")
async def owner(conversation_id: str, request: Request, api: PersonApi, data: Form) -> Response:
    owner_id = field(data, "owner_id").strip() or None
    return await _act(request, api, conversation_id, "PUT", "/owner", body={"owner_id": owner_id})


@router.post("/conversations/{conversation_id}/tags")
async def tags(conversation_id: str, request: Request, api: PersonApi, data: Form) -> Response:
    method = "DELETE" if field(data, "op") == "remove" else "PUT"
    tag = field(data, "tag").strip()
    if not tag:
        flash(request, "A tag needs a name.", "error")
        return back_to(f"/conversations/{conversation_id}")
    return await _act(request, api, conversation_id, method, f"/tags/{_segment(tag)}", body=None)


@router.post("/conversations/{conversation_id}/topics")
async def topics(conversation_id: str, request: Request, api: PersonApi, data: Form) -> Response:
    method = "DELETE" if field(data, "op") == "remove" else "PUT"
    topic = _segment(field(data, "topic_id"))
    return await _act(request, api, conversation_id, method, f"/topics/{topic}", body=None)


@router.post("/conversations/{conversation_id}/notes")
async def add_note(conversation_id: str, request: Request, api: PersonApi, data: Form) -> Response:
    return await _act(
        request, api, conversation_id, "POST", "/notes", body={"text": field(data, "text")}
    )


@router.post("/conversations/{conversation_id}/notes/{note_id}/delete")
async def remove_note(
    conversation_id: str, note_id: str, request: Request, api: PersonApi, data: Form
) -> Response:
    del data
    return await _act(
        request, api, conversation_id, "DELETE", f"/notes/{_segment(note_id)}", body=None
    )


def _segment(value: str) -> str:
    """One path segment, whatever was typed (a tag may hold '/', '?' or '#')."""
    return quote(value, safe="")
