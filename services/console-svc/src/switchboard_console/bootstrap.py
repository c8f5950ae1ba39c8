"""The composition root of console-svc: the only place that builds and wires things."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from http import HTTPStatus
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware

from switchboard_console.adapters.identity import IdentityProvider
from switchboard_console.adapters.live import LiveFeed
from switchboard_console.adapters.services import ServiceError, Services
from switchboard_console.context import ConsoleContext
from switchboard_console.entrypoints import channels, inbox, live, people, reports, signin
from switchboard_console.entrypoints.render import back_to, render
from switchboard_console.entrypoints.session import CsrfRefused, SignInRequired, flash, sign_out
from switchboard_console.settings import ConsoleSettings
from switchboard_platform.http.app import create_app as create_service_app
from switchboard_platform.observability import configure_observability

SERVICE = "console-svc"
HERE = Path(__file__).parent
# Scripts and styles come from the console itself, never inline and never from elsewhere.
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}


def create_app(settings: ConsoleSettings) -> FastAPI:
    templates = Jinja2Templates(directory=HERE / "templates")
    feed = LiveFeed()
    identity = IdentityProvider(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_observability(SERVICE, settings)
        timeout = httpx.Timeout(10.0)
        services = Services(
            access=httpx.AsyncClient(base_url=settings.access_url, timeout=timeout),
            channel=httpx.AsyncClient(base_url=settings.channel_url, timeout=timeout),
            conversation=httpx.AsyncClient(base_url=settings.conversation_url, timeout=timeout),
        )
        app.state.context = ConsoleContext(settings, services, feed, identity, templates)
        following = asyncio.create_task(feed.run(settings.kafka)) if settings.live else None
        try:
            yield
        finally:
            if following is not None:
                following.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await following
            await services.aclose()

    async def services_answer() -> bool:
        context: ConsoleContext = app.state.context
        try:
            answer = await context.services.access.get("/livez")
        except httpx.HTTPError:
            return False
        return answer.status_code == HTTPStatus.OK

    app = create_service_app(
        title="Switchboard console",
        description="The web console: admins' settings, agents' inbox, supervisors' reports.",
        lifespan=lifespan,
        traced=settings.tracing.enabled,
        checks={"access-svc": services_answer},
    )
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret.get_secret_value(),
        session_cookie="switchboard_session",
        max_age=settings.session_max_age_seconds,
        same_site="lax",
        https_only=settings.secure_cookies,
    )

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    _answer_refusals(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (signin, inbox, live, channels, people, reports):
        app.include_router(module.router)
    return app


def _answer_refusals(app: FastAPI) -> None:
    """Pages answer as pages: sign-in, an expired form and a service's refusal."""

    @app.exception_handler(SignInRequired)
    async def to_sign_in(_request: Request, _: Exception) -> Response:
        return back_to("/signin")

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, _: Exception) -> Response:
        context: ConsoleContext = app.state.context
        message = "This form has expired or did not come from this console: reload the page."
        return render(request, context, "error.html", 403, message=message)

    @app.exception_handler(ServiceError)
    async def refused(request: Request, error: Exception) -> Response:
        assert isinstance(error, ServiceError)  # noqa: S101 - registered for it alone
        context: ConsoleContext = app.state.context
        if error.status == HTTPStatus.UNAUTHORIZED:  # the token expired or is no longer accepted
            sign_out(request)
            flash(request, "Your session ended: sign in again.")
            return back_to("/signin")
        return render(request, context, "error.html", error.status, message=error.message)
