"""The one way every service builds its ASGI app: error shape, health, metrics, traces."""

from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager

from fastapi import Depends, FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from switchboard_platform.http.correlation import CorrelationMiddleware
from switchboard_platform.http.errors import install_error_handlers
from switchboard_platform.http.health import Check, health_router
from switchboard_platform.http.metrics_middleware import MetricsMiddleware
from switchboard_platform.http.requests import (
    document_input_errors,
    refuse_unstorable_parameters,
)

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def create_app(
    *,
    title: str,
    description: str,
    lifespan: Lifespan,
    checks: Mapping[str, Check],
    version: str = "0.1.0",
    traced: bool = False,
) -> FastAPI:
    """`traced`: continue or start a trace per request (health and metrics excluded).
    Every route refuses unstorable text in its path and query parameters (`requests`)."""
    app = FastAPI(
        title=title,
        description=description,
        version=version,
        lifespan=lifespan,
        dependencies=[Depends(refuse_unstorable_parameters)],
    )
    if traced:
        FastAPIInstrumentor.instrument_app(
            app, excluded_urls="/livez,/readyz,/metrics", exclude_spans=["receive", "send"]
        )
    install_error_handlers(app)
    document_input_errors(app)
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(CorrelationMiddleware)
    app.include_router(health_router(checks))
    return app
