"""The one way every service builds its ASGI app: error shape, health, metrics."""

from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager

from fastapi import FastAPI

from switchboard_platform.http.correlation import CorrelationMiddleware
from switchboard_platform.http.errors import install_error_handlers
from switchboard_platform.http.health import Check, health_router
from switchboard_platform.http.metrics_middleware import MetricsMiddleware

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def create_app(
    *,
    title: str,
    description: str,
    lifespan: Lifespan,
    checks: Mapping[str, Check],
    version: str = "0.1.0",
) -> FastAPI:
    app = FastAPI(title=title, description=description, version=version, lifespan=lifespan)
    install_error_handlers(app)
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(CorrelationMiddleware)
    app.include_router(health_router(checks))
    return app
