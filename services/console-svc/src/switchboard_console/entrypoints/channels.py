"""Settings > Channels (admins): the list with each channel's name and Twitter URL; Add
Channel > Twitter > Authorize app (the real OAuth redirect); Edit Channel: display name,
auto-ownership, auto-resolve for New and Pending, who has access with which role (users,
teams and their members, All Users, All Teams); disconnect."""

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from switchboard_console.adapters.services import ServiceError
from switchboard_console.context import Ctx
from switchboard_console.entrypoints.render import back_to, render
from switchboard_console.entrypoints.session import Form, PersonApi, field, flash

router = APIRouter(include_in_schema=False)
ROLES = ("viewer", "contributor", "supervisor")
DAY = 86_400


@router.get("/settings/channels")
async def channels(request: Request, ctx: Ctx, api: PersonApi) -> HTMLResponse:
    listed = await api.get("channel", "/v1/channels")
    return render(request, ctx, "settings/channels.html", channels=listed)


@router.post("/settings/channels/add")
async def add_channel(request: Request, api: PersonApi, data: Form) -> Response:
    del data
    try:
        started = await api.post("channel", "/v1/channels/twitter/authorizations")
    except ServiceError as refused:
        flash(request, refused.message, "error")
        return back_to("/settings/channels")
    return back_to(str(started["authorization_url"]))  # Twitter's authorize page


@router.get("/v1/channels/twitter/callback")
async def twitter_callback(request: Request, ctx: Ctx) -> Response:
    """Twitter sends the browser back here when channel-svc's public URL is the console's
    (as `make up` sets it): the console hands the callback to channel-svc unchanged, then
    shows the new channel. A caller that does not ask for HTML gets channel-svc's answer."""
    answer = await ctx.services.channel.get(
        "/v1/channels/twitter/callback", params=dict(request.query_params)
    )
    if "text/html" not in request.headers.get("accept", ""):
        return JSONResponse(answer.json(), status_code=answer.status_code)
    body = answer.json()
    if answer.status_code != HTTPStatus.OK:
        flash(request, str(body.get("message", "The authorization did not complete.")), "error")
        return back_to("/settings/channels")
    flash(request, f"Connected @{body['channel']['handle']}.")
    return back_to(f"/settings/channels/{body['channel']['id']}")


async def _channel_values(api: Any, channel_id: str) -> dict[str, Any]:
    detail = await api.get("channel", f"/v1/channels/{channel_id}")
    access = await api.get("access", f"/v1/channels/{channel_id}/access")
    users = await api.get("access", "/v1/users")
    teams = await api.get("access", "/v1/teams")
    return {
        "ch": detail,
        "access": access,
        "users": users,
        "user_names": {u["id"]: u["display_name"] for u in users},
        "teams": teams,
        "team_names": {t["id"]: t["name"] for t in teams},
        "roles": ROLES,
        "day": DAY,
    }


@router.get("/settings/channels/{channel_id}")
async def channel(channel_id: str, request: Request, ctx: Ctx, api: PersonApi) -> HTMLResponse:
    try:
        values = await _channel_values(api, channel_id)
    except ServiceError as refused:
        return render(request, ctx, "error.html", refused.status, message=refused.message)
    return render(request, ctx, "settings/channel.html", **values)


def _days(data: Any, name: str) -> int | str:
    raw = field(data, name).strip()
    return round(float(raw) * DAY) if raw.replace(".", "", 1).isdigit() else raw


@router.post("/settings/channels/{channel_id}")
async def edit_channel(channel_id: str, request: Request, api: PersonApi, data: Form) -> Response:
    patch = {
        "display_name": field(data, "display_name"),
        "auto_ownership": field(data, "auto_ownership") == "on",
        "auto_resolve": {
            "enabled": field(data, "auto_resolve") == "on",
            "new_after_seconds": _days(data, "new_after_days"),
            "pending_after_seconds": _days(data, "pending_after_days"),
        },
    }
    return await _do(
        request, channel_id, api.patch("channel", f"/v1/channels/{channel_id}", patch), "Saved."
    )


@router.post("/settings/channels/{channel_id}/disconnect")
async def disconnect(channel_id: str, request: Request, api: PersonApi, data: Form) -> Response:
    del data
    return await _do(
        request,
        channel_id,
        api.post("channel", f"/v1/channels/{channel_id}/disconnect"),
        "Disconnected.",
    )


@router.post("/settings/channels/{channel_id}/access")
async def access(channel_id: str, request: Request, api: PersonApi, data: Form) -> Response:
    """One form for every grant: `kind` (user, team, member, all-users, all-teams), the
    principal's ids, and `role` (empty: remove the grant)."""
    kind, role = field(data, "kind"), field(data, "role")
    user, team = quote(field(data, "user_id"), safe=""), quote(field(data, "team_id"), safe="")
    base = f"/v1/channels/{channel_id}/access"
    needs, path = {
        "user": ((user,), f"{base}/users/{user}"),
        "team": ((team,), f"{base}/teams/{team}"),
        "member": ((team, user), f"{base}/teams/{team}/members/{user}"),
        "all-users": ((), f"{base}/all-users"),
        "all-teams": ((), f"{base}/all-teams"),
    }.get(kind, (("",), ""))
    if not all(needs):
        flash(request, "Choose who the grant is for.", "error")
        return back_to(f"/settings/channels/{channel_id}")
    call = api.put("access", path, {"role": role}) if role else api.delete("access", path)
    return await _do(request, channel_id, call, "Access updated.")


async def _do(request: Request, channel_id: str, call: Any, done: str) -> Response:
    try:
        await call
        flash(request, done)
    except ServiceError as refused:
        where = f" ({refused.field})" if refused.field else ""
        flash(request, f"{refused.message}{where}", "error")
    return back_to(f"/settings/channels/{channel_id}")
