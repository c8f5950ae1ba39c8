"""Signing in and out through the identity provider (OpenID Connect: locally access-svc's
development issuer, in production the organization's own). The person's standing on
record then decides who they are: a token alone makes at most a founder, the identity
provider's admin of an organization with no admin on record yet, whose one page creates
that first admin."""

from http import HTTPStatus

import httpx2
from authlib.integrations.base_client.errors import OAuthError
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from switchboard_console.adapters.services import Api, ServiceError
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
    return render(request, ctx, "signin.html")


@router.get("/signin/start")
async def signin_start(request: Request, ctx: Ctx) -> Response:
    hint = request.query_params.get("login_hint")
    try:
        return await ctx.identity.redirect(request, hint[:200] if hint else None)
    except (httpx2.HTTPError, OAuthError, ValueError):
        message = "The identity provider does not answer: try again in a moment."
        return render(request, ctx, "error.html", HTTPStatus.SERVICE_UNAVAILABLE, message=message)


@router.get("/signin/callback")
async def signin_callback(request: Request, ctx: Ctx) -> Response:
    try:
        signed = await ctx.identity.complete(request)
    except (OAuthError, KeyError, httpx2.HTTPError) as failed:
        flash(request, f"The sign-in did not complete: {failed}", "error")
        return back_to("/signin")
    api = Api(ctx.services, signed.access_token)
    try:
        standing = await api.get("access", "/v1/me/standing")
    except ServiceError as refused:
        if refused.status == HTTPStatus.NOT_FOUND and signed.org_role == "admin":
            founder = Person(
                signed.user_id, signed.org_id, "admin", signed.access_token, founder=True
            )
            sign_in(request, founder)
            return back_to("/setup")
        flash(request, f"Not a user of this organization: {refused.message}", "error")
        return back_to("/signin")
    if not standing["active"]:
        flash(request, "This account is deactivated.", "error")
        return back_to("/signin")
    role = standing["org_role"]
    name = ""
    if role == "admin":
        name = (await api.get("access", f"/v1/users/{signed.user_id}"))["display_name"]
    sign_in(request, Person(signed.user_id, signed.org_id, role, signed.access_token, name=name))
    return back_to("/settings/channels" if role == "admin" else "/inbox")


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
    # The admin on record is who acts from now on: sign in as it (the hint names it to the
    # identity provider; the development issuer fills its form with it).
    sign_out(request)
    return back_to(f"/signin/start?login_hint={founder.org_id}:{created['id']}")


@router.post("/signout")
async def signout(request: Request, data: Form) -> RedirectResponse:
    del data  # checked: signing someone out takes their own form
    sign_out(request)
    return back_to("/signin")
