"""No route of any service hands work to a thread: FastAPI runs a plain `def` endpoint or
dependency in its thread pool, a hop per request that costs more than the little work
these do, and whose queue (40 threads) put hundreds of milliseconds on ingest-svc's p99
under load. Every endpoint and every dependency, however deep, is `async def` (or an
object with an async `__call__`, as FastAPI's security schemes are).

The apps are the ones the OpenAPI documents come from, and the console's (placeholder
settings, no lifespan: nothing is connected); a new route is covered by adding it.
"""

import inspect
from collections.abc import Callable, Iterator
from importlib.metadata import entry_points
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from switchboard_console.bootstrap import create_app as console_app
from switchboard_console.settings import ConsoleSettings
from switchboard_platform.http.openapi import GROUP

pytestmark = pytest.mark.unit

APPS: dict[str, FastAPI] = {e.name: e.load()() for e in entry_points(group=GROUP)}
APPS["console-svc"] = console_app(
    ConsoleSettings(
        access_url="http://access",
        channel_url="http://channel",
        conversation_url="http://conversation",
        session_secret="placeholder-" * 4,
        oidc_metadata_url="http://idp/.well-known/openid-configuration",
    )
)
ROUTES = [
    (service, route)
    for service, app in sorted(APPS.items())
    for route in (context.original_route for context in iter_route_contexts(app.routes))
    if isinstance(route, APIRoute)
]


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    if dependant.call is not None:
        yield dependant.call
    for sub in dependant.dependencies:
        yield from _calls(sub)


def _runs_on_the_loop(call: Callable[..., Any]) -> bool:
    if inspect.iscoroutinefunction(call) or inspect.isasyncgenfunction(call):
        return True
    dunder = getattr(type(call), "__call__", None)  # noqa: B004 - instances with __call__
    return not inspect.isfunction(call) and (
        inspect.iscoroutinefunction(dunder) or inspect.isasyncgenfunction(dunder)
    )


def test_the_route_table_is_not_empty() -> None:
    assert sorted({service for service, _ in ROUTES}) == sorted(APPS)
    assert len(ROUTES) > 60
    assert sum(service == "console-svc" for service, _ in ROUTES) > 10


@pytest.mark.parametrize(
    ("service", "route"), ROUTES, ids=[f"{s} {sorted(r.methods or ())} {r.path}" for s, r in ROUTES]
)
def test_every_endpoint_and_dependency_runs_on_the_event_loop(
    service: str, route: APIRoute
) -> None:
    del service
    threaded = [
        f"{call.__module__}.{getattr(call, '__qualname__', type(call).__qualname__)}"
        for call in _calls(route.dependant)
        if not _runs_on_the_loop(call)
    ]
    assert not threaded, f"run in FastAPI's thread pool: {threaded}"
