"""Rendering a page, and the answer after a form (Post/Redirect/Get)."""

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from switchboard_console.context import ConsoleContext
from switchboard_console.entrypoints.session import csrf_token, person_of, take_flashes


def render(
    request: Request, ctx: ConsoleContext, template: str, status: int = 200, **values: Any
) -> HTMLResponse:
    return ctx.templates.TemplateResponse(
        request,
        template,
        {
            "person": person_of(request),
            "csrf": csrf_token(request),
            "flashes": take_flashes(request),
            **values,
        },
        status_code=status,
    )


LIVE_DIGEST = "X-Live-Digest"


def live_digest(shown: Mapping[str, Any]) -> str:
    """A digest of what a live part shows. The page keeps it (data-live-digest) and skips a
    reload whose answer carries the same one: swapping identical HTML would still replace
    the elements under a click in flight, and the reload on every (re)connection would."""
    encoded = json.dumps(shown, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()[:32]


def render_part(
    request: Request, ctx: ConsoleContext, template: str, digest: str, **values: Any
) -> HTMLResponse:
    """A live part of a page, with its digest in the X-Live-Digest header."""
    response = render(request, ctx, template, **values)
    response.headers[LIVE_DIGEST] = digest
    return response


def back_to(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)
