"""Counts and times every HTTP request by route template (pure ASGI: no body buffering)."""

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from switchboard_platform import metrics


class MetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        started = time.perf_counter()

        async def send_and_record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            route = _route(scope)
            method = scope["method"]
            metrics.HTTP_SECONDS.labels(method, route).observe(time.perf_counter() - started)
            metrics.HTTP_REQUESTS.labels(method, route, str(status)).inc()


def _route(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else "unmatched"  # never the raw path: unbounded cardinality
