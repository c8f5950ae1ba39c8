"""Serving an app the same way in every service: our logging, graceful shutdown."""

from typing import Protocol

import uvicorn
from fastapi import FastAPI

GRACEFUL_SHUTDOWN_SECONDS = 20  # Kubernetes' terminationGracePeriodSeconds must exceed it


class Listening(Protocol):
    """Where a process listens (each service's settings, under its own prefix)."""

    host: str
    port: int
    http_access_log: bool


def serve(app: FastAPI, settings: Listening) -> None:
    """`http_access_log`: a log line per request (about 50 us of CPU each); behind an
    ingress that logs requests, `sb_http_requests` and traces, it may be turned off."""
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,  # keep the structured logging configured by the app
        access_log=settings.http_access_log,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
