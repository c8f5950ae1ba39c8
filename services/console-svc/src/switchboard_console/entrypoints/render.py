"""Rendering a page, and the answer after a form (Post/Redirect/Get)."""

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


def back_to(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)
