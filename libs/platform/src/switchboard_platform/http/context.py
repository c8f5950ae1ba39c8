"""Where every service keeps what its routes depend on: one object (its `<Name>Context`,
built by its composition root) at `app.state.context`."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi import FastAPI, Request

T = TypeVar("T")


def install_context(app: FastAPI, context: object) -> None:
    app.state.context = context


def context_dependency(kind: type[T]) -> Callable[[Request], Awaitable[T]]:
    """A dependency giving the installed context. Async though it awaits nothing: FastAPI
    runs a plain `def` dependency in its thread pool, a hop that was a tenth of a cheap
    route's cost and most of its p99 (see bench/)."""

    async def context(request: Request) -> T:
        return context_of(request, kind)

    return context


def context_of(request: Request, kind: type[T]) -> T:
    context = getattr(request.app.state, "context", None)
    if not isinstance(context, kind):
        raise TypeError(f"install_context(app, {kind.__name__}(...)) was not called")
    return context
