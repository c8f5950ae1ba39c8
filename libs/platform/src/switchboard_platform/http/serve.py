"""Serving an app the same way in every service: our logging, graceful shutdown."""

import uvicorn
from fastapi import FastAPI

GRACEFUL_SHUTDOWN_SECONDS = 20  # Kubernetes' terminationGracePeriodSeconds must exceed it


def serve(app: FastAPI, *, host: str, port: int) -> None:
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_config=None,  # keep the structured logging configured by the app
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
