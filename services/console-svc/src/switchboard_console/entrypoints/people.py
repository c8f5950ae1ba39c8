"""Settings > Users, Teams and Topics (admins): users (one team each), their organization
role and whether they are active; teams and their members; the topic list."""

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from switchboard_console.adapters.services import ServiceError
from switchboard_console.context import Ctx
from switchboard_console.entrypoints.render import back_to, render
from switchboard_console.entrypoints.session import Form, PersonApi, field, flash

router = APIRouter(include_in_schema=False)


async def _do(request: Request, call: Any, done: str, to: str) -> Response:
    try:
        await call
        flash(request, done)
    except ServiceError as refused:
        where = f" ({refused.field})" if refused.field else ""
        flash(request, f"{refused.message}{where}", "error")
    return back_to(to)


def _id(value: str) -> str:
    return quote(value, safe="")


@router.get("/settings/users")
async def users(request: Request, ctx: Ctx, api: PersonApi) -> HTMLResponse:
    listed = await api.get("access", "/v1/users")
    teams = await api.get("access", "/v1/teams")
    return render(
        request,
        ctx,
        "settings/users.html",
        users=listed,
        teams=teams,
        team_names={t["id"]: t["name"] for t in teams},
    )


@router.post("/settings/users")
async def create_user(request: Request, api: PersonApi, data: Form) -> Response:
    body = {
        "display_name": field(data, "display_name"),
        "email": field(data, "email"),
        "org_role": "admin" if field(data, "org_role") == "admin" else "agent",
    }
    return await _do(
        request, api.post("access", "/v1/users", body), "User added.", "/settings/users"
    )


@router.post("/settings/users/{user_id}")
async def edit_user(user_id: str, request: Request, api: PersonApi, data: Form) -> Response:
    change: dict[str, Any] = {}
    if field(data, "org_role") in ("admin", "agent"):
        change["org_role"] = field(data, "org_role")
    if field(data, "active") in ("true", "false"):
        change["active"] = field(data, "active") == "true"
    call = api.patch("access", f"/v1/users/{_id(user_id)}", change)
    return await _do(request, call, "User updated.", "/settings/users")


@router.get("/settings/teams")
async def teams(request: Request, ctx: Ctx, api: PersonApi) -> HTMLResponse:
    listed = await api.get("access", "/v1/teams")
    users_ = await api.get("access", "/v1/users")
    return render(
        request,
        ctx,
        "settings/teams.html",
        teams=listed,
        users=users_,
        user_names={u["id"]: u["display_name"] for u in users_},
    )


@router.post("/settings/teams")
async def create_team(request: Request, api: PersonApi, data: Form) -> Response:
    call = api.post("access", "/v1/teams", {"name": field(data, "name")})
    return await _do(request, call, "Team added.", "/settings/teams")


@router.post("/settings/teams/{team_id}/members")
async def add_member(team_id: str, request: Request, api: PersonApi, data: Form) -> Response:
    body = {"user_id": field(data, "user_id"), "move": field(data, "move") == "on"}
    call = api.post("access", f"/v1/teams/{_id(team_id)}/members", body)
    return await _do(request, call, "Member added.", "/settings/teams")


@router.post("/settings/teams/{team_id}/members/{user_id}/remove")
async def remove_member(
    team_id: str, user_id: str, request: Request, api: PersonApi, data: Form
) -> Response:
    del data
    call = api.delete("access", f"/v1/teams/{_id(team_id)}/members/{_id(user_id)}")
    return await _do(request, call, "Member removed.", "/settings/teams")


@router.post("/settings/teams/{team_id}/delete")
async def delete_team(team_id: str, request: Request, api: PersonApi, data: Form) -> Response:
    del data
    return await _do(
        request,
        api.delete("access", f"/v1/teams/{_id(team_id)}"),
        "Team deleted.",
        "/settings/teams",
    )


@router.get("/settings/topics")
async def topics(request: Request, ctx: Ctx, api: PersonApi) -> HTMLResponse:
    listed = await api.get("conversation", "/v1/topics")
    return render(request, ctx, "settings/topics.html", topics=listed)


@router.post("/settings/topics")
async def add_topic(request: Request, api: PersonApi, data: Form) -> Response:
    call = api.post("conversation", "/v1/topics", {"name": field(data, "name")})
    return await _do(request, call, "Topic added.", "/settings/topics")


@router.post("/settings/topics/{topic_id}/delete")
async def remove_topic(topic_id: str, request: Request, api: PersonApi, data: Form) -> Response:
    del data
    call = api.delete("conversation", f"/v1/topics/{_id(topic_id)}")
    return await _do(request, call, "Topic removed.", "/settings/topics")
