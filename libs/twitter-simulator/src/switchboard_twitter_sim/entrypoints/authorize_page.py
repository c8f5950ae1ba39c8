"""The web side of "Authorize app": the approval page a person sees, its form, and the
scripted decisions tests queue instead of clicking (see `/_sim/oauth/script`)."""

from html import escape
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from switchboard_twitter_sim.domain.model import RequestToken, User
from switchboard_twitter_sim.entrypoints.context import Context, SimContext
from switchboard_twitter_sim.service_layer import oauth_flow
from switchboard_twitter_sim.service_layer.world import UnknownError

router = APIRouter(tags=["twitter: authorize page"])


@router.get("/oauth/authorize", summary="The approval page (always asks)")
async def authorize(
    context: Context,
    oauth_token: Annotated[str, Query()] = "",
    force_login: Annotated[bool, Query()] = False,  # noqa: FBT002 - a query flag
    screen_name: Annotated[str, Query()] = "",
) -> Response:
    return _page(context, oauth_token, force_login=force_login, prefill=screen_name, skip=False)


@router.get("/oauth/authenticate", summary="Sign in with Twitter (skips approval if given)")
async def authenticate(
    context: Context,
    oauth_token: Annotated[str, Query()] = "",
    force_login: Annotated[bool, Query()] = False,  # noqa: FBT002 - a query flag
    screen_name: Annotated[str, Query()] = "",
) -> Response:
    return _page(context, oauth_token, force_login=force_login, prefill=screen_name, skip=True)


@router.post("/oauth/authorize", summary="The page's form: authorize or cancel")
async def decide(request: Request, context: Context) -> Response:
    form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
    world = context.world
    try:
        token = oauth_flow.pending_request_token(world, form.get("oauth_token", ""))
        if form.get("action") == "deny":
            return _redirect(context, token, None)
        handle = form.get("screen_name") or world.browser_user_id or ""
        user = world.user(handle)
    except UnknownError as exc:
        return _message(str(exc), status=400)
    world.browser_user_id = user.id  # signing in on the page leaves the browser signed in
    return _redirect(context, token, user)


def _page(
    context: SimContext, oauth_token: str, *, force_login: bool, prefill: str, skip: bool
) -> Response:
    world = context.world
    try:
        token = oauth_flow.pending_request_token(world, oauth_token)
    except UnknownError as exc:
        return _message(str(exc), status=400)
    if world.script:
        decision = world.script.popleft()
        approve_as = world.users.get(decision.approve_as or "")
        return _redirect(context, token, approve_as)
    signed_in = None if force_login else world.users.get(world.browser_user_id or "")
    if skip and signed_in is not None and signed_in.id in world.approved_user_ids:
        return _redirect(context, token, signed_in)
    return HTMLResponse(_form(context, token, signed_in, prefill))


def _redirect(context: SimContext, token: RequestToken, user: User | None) -> Response:
    location = oauth_flow.decide(context.world, token, user)
    if token.callback == "oob" and user is not None:
        return _message(f"Enter this PIN in the app: {token.verifier}", status=200)
    return RedirectResponse(location, status_code=302)


def _form(context: SimContext, token: RequestToken, signed_in: User | None, prefill: str) -> str:
    app = escape(context.world.app.name)
    who = (
        f"<p>Signed in as <b>@{escape(signed_in.screen_name)}</b></p>"
        f'<input type="hidden" name="screen_name" value="{escape(signed_in.screen_name)}">'
        if signed_in
        else '<label>Username <input name="screen_name" '
        f'value="{escape(prefill)}" autofocus></label>'
    )
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Twitter / Authorize an application</title></head>
<body><h1>Authorize {app} to access your account?</h1>
<p>This application will be able to read and post Tweets and Direct Messages.</p>
<form method="post" action="/oauth/authorize">
<input type="hidden" name="oauth_token" value="{escape(token.token)}">
{who}
<button type="submit" name="action" value="allow">Authorize app</button>
<button type="submit" name="action" value="deny">Cancel</button>
</form></body></html>"""


def _message(text: str, *, status: int) -> HTMLResponse:
    body = f"<!doctype html><html><body><p>{escape(text)}</p></body></html>"
    return HTMLResponse(body, status_code=status)
