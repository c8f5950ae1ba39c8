"""Every request gets a correlation id: echoed, bound to its log lines, never injectable."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
import structlog
from fastapi import FastAPI

from switchboard_platform.http.app import create_app
from switchboard_platform.logs import get_logger

pytestmark = pytest.mark.unit


@asynccontextmanager
async def _no_lifespan(_: FastAPI) -> AsyncIterator[None]:
    yield


@pytest.fixture
def app() -> FastAPI:
    app = create_app(title="t", description="d", lifespan=_no_lifespan, checks={})

    @app.get("/v1/work")
    async def work() -> dict[str, bool]:
        get_logger("test").info("working")
        return {"ok": True}

    return app


async def call(app: FastAPI, headers: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        return await client.get("/v1/work", headers=headers)


async def test_a_sane_correlation_id_is_kept_and_bound_to_the_logs(app: FastAPI) -> None:
    with structlog.testing.capture_logs(
        processors=[structlog.contextvars.merge_contextvars]
    ) as logs:
        response = await call(app, {"x-correlation-id": "webhook-42"})
    assert response.headers["x-correlation-id"] == "webhook-42"
    assert {"event": "working", "log_level": "info", "correlation_id": "webhook-42"} in [
        {k: v for k, v in line.items() if k in {"event", "log_level", "correlation_id"}}
        for line in logs
    ]


@pytest.mark.parametrize("given", [None, "", "x" * 65, "a b", "evil\nline"])
async def test_otherwise_a_new_one_is_made(app: FastAPI, given: str | None) -> None:
    headers = {"x-correlation-id": given} if given is not None and "\n" not in given else {}
    response = await call(app, headers)
    made = response.headers["x-correlation-id"]
    assert made != given
    assert len(made) == 36  # a UUID
