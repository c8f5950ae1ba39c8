"""Serving an app the same way in every service: our logging, graceful shutdown."""

import uvicorn
from fastapi import FastAPI

GRACEFUL_SHUTDOWN_SECONDS = 20  # Kubernetes' terminationGracePeriodSeconds must exceed it


def serve(app: FastAPI, *, host: str, port: int, access_log: bool = True) -> None:
    """`access_log`: a log line per request (about 50 us of CPU each); behind an ingress
    that logs requests, `sb_http_requests` and traces, it may be turned off."""
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_config=None,  # keep the structured logging configured by the app
        access_log=access_log,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
