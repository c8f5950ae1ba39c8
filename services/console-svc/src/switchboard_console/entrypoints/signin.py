"""Signing in and out. Locally: access-svc's development issuer (an organization id and a
user id, as an identity provider would assert them). OpenID Connect for production is
not built yet (README).

An identity-provider admin of an organization access-svc has no admin for yet is a
founder: the one thing they can do is create the organization's first admin on record."""

import uuid
from http import HTTPStatus

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from switchboard_console.adapters.services import Api, ServiceError, dev_token
from switchboard_console.context import Ctx
from switchboard_console.entrypoints.render import back_to, render
from switchboard_console.entrypoints.session import (
    Form,
    Person,
    field,
    flash,
    person_of,
    sign_in,
    sign_out,
)

router = APIRouter(include_in_schema=False)


@router.get("/signin")
async def signin_page(request: Request, ctx: Ctx) -> HTMLResponse:
    return render(
        request,
        ctx,
        "signin.html",
        dev=ctx.settings.dev_sign_in,
        new_org=str(uuid.uuid4()),
        new_user=str(uuid.uuid4()),
    )


@router.post("/signin/dev")
async def signin_dev(request: Request, ctx: Ctx, data: Form) -> Response:
    if not ctx.settings.dev_sign_in:
        return render(request, ctx, "error.html", 404, message="Not here.")
    try:
        org_id = str(uuid.UUID(field(data, "org_id").strip()))
        user_id = str(uuid.UUID(field(data, "user_id").strip()))
    except ValueError:
        flash(request, "The organization and the user are ids (UUIDs).", "error")
        return back_to("/signin")
    role = "admin" if field(data, "org_role") == "admin" else "agent"
    try:
        token = await dev_token(ctx.services.access, org_id, user_id, role)
    except ServiceError as refused:
        flash(request, refused.message, "error")
        return back_to("/signin")
    return await _signed_in_as(request, ctx, token, org_id=org_id, user_id=user_id, role=role)


async def _signed_in_as(
    request: Request, ctx: Ctx, token: str, *, org_id: str, user_id: str, role: str
) -> Response:
    """The record's standing decides who this is; a token alone makes at most a founder."""
    api = Api(ctx.services, token)
    try:
        standing = await api.get("access", "/v1/me/standing")
    except ServiceError as refused:
        if refused.status == HTTPStatus.NOT_FOUND and role == "admin":
            sign_in(request, Person(user_id, org_id, "admin", token, founder=True))
            return back_to("/setup")
        flash(request, f"Not a user of this organization: {refused.message}", "error")
        return back_to("/signin")
    if not standing["active"]:
        flash(request, "This account is deactivated.", "error")
        return back_to("/signin")
    name = ""
    if standing["org_role"] == "admin":
        name = (await api.get("access", f"/v1/users/{user_id}"))["display_name"]
    sign_in(request, Person(user_id, org_id, standing["org_role"], token, name=name))
    return back_to("/settings/channels" if standing["org_role"] == "admin" else "/inbox")


@router.get("/setup")
async def setup_page(request: Request, ctx: Ctx) -> Response:
    person = person_of(request)
    if person is None or not person.founder:
        return back_to("/signin")
    return render(request, ctx, "setup.html")


@router.post("/setup")
async def setup(request: Request, ctx: Ctx, data: Form) -> Response:
    founder = person_of(request)
    if founder is None or not founder.founder:
        return back_to("/signin")
    api = Api(ctx.services, founder.token)
    try:
        created = await api.post(
            "access",
            "/v1/users",
            {
                "display_name": field(data, "display_name"),
                "email": field(data, "email"),
                "org_role": "admin",
            },
        )
    except ServiceError as refused:
        flash(request, refused.message + (f" ({refused.field})" if refused.field else ""), "error")
        return back_to("/setup")
    if not ctx.settings.dev_sign_in:  # the identity provider signs the new admin in
        sign_out(request)
        flash(request, "Your admin account exists: sign in with it.")
        return back_to("/signin")
    token = await dev_token(ctx.services.access, founder.org_id, created["id"], "admin")
    return await _signed_in_as(
        request, ctx, token, org_id=founder.org_id, user_id=created["id"], role="admin"
    )


@router.post("/signout")
async def signout(request: Request, data: Form) -> RedirectResponse:
    del data  # checked: signing someone out takes their own form
    sign_out(request)
    return back_to("/signin")
