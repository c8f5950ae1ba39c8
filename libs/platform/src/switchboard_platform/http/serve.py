"""Serving an app the same way in every service: our logging, graceful shutdown."""

import asyncio
import gc
from collections.abc import Coroutine
from typing import Any, Protocol, TypeVar

import uvicorn
from starlette.types import ASGIApp
from uvicorn.loops.auto import auto_loop_factory

T = TypeVar("T")

GRACEFUL_SHUTDOWN_SECONDS = 20  # Kubernetes' terminationGracePeriodSeconds must exceed it
# Python's defaults (700, 10, 10) run a young collection every 700 allocations, and now
# and then a full one over every object the process holds (the app, its models, the
# libraries): under load those pauses were ingest-svc's tail, deliveries waiting past
# Twitter's 2 s (bench: 256 in flight, 1,140 -> 1,850 deliveries/s, p99 0.4-0.9 s ->
# 0.16-0.41 s, failed 63 -> 0). Request handling frees almost everything by reference
# counting; cycles are rare, so collecting less often costs little memory.
GC_THRESHOLDS = (50_000, 20, 100)
# Longer than the idle timeout of what keeps connections to us open (ingress controllers and
# cloud load balancers: 60 s): when the server closes an idle connection first, a request
# already sent on it fails (uvicorn's default is 5 s; the e2e benchmark hit it).
KEEP_ALIVE_SECONDS = 75


class Listening(Protocol):
    """Where a process listens (each service's settings, under its own prefix)."""

    host: str
    port: int
    http_access_log: bool


def serve(app: ASGIApp, settings: Listening) -> None:
    """`http_access_log`: a log line per request (about 50 us of CPU each); behind an
    ingress that logs requests, `sb_http_requests` and traces, it may be turned off."""
    serve_asgi(app, host=settings.host, port=settings.port, access_log=settings.http_access_log)


def serve_asgi(app: ASGIApp, *, host: str, port: int, access_log: bool) -> None:
    """Any ASGI app, served as every service is (the benchmarks' bare ceilings use it)."""
    tune_collector()
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_config=None,  # keep the structured logging configured by the app
        access_log=access_log,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )


def tune_collector() -> None:
    """The collector settings of every process (`GC_THRESHOLDS`), once start-up has built
    what lives as long as the process."""
    gc.freeze()  # never scanned again
    gc.set_threshold(*GC_THRESHOLDS)


def run_as_served(main: Coroutine[Any, Any, T]) -> T:
    """Run `main` in the runtime of a served process: its collector settings and the event
    loop uvicorn picks (uvloop where installed). Benchmarks that run a service's code in
    their own process use it, so that they measure what production runs."""
    tune_collector()
    with asyncio.Runner(loop_factory=auto_loop_factory()) as runner:
        return runner.run(main)
