"""`/livez` (the process answers), `/readyz` (its dependencies answer), `/metrics`."""

import asyncio
from collections.abc import Awaitable, Callable, Mapping

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from faststream.kafka import KafkaBroker
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

Check = Callable[[], Awaitable[object]]


def database_check(engine: AsyncEngine) -> Check:
    """Ready when a connection runs a statement."""

    async def database() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    return database


def broker_check(broker: KafkaBroker) -> Check:
    """Ready when the Kafka cluster answers."""

    async def kafka() -> bool:
        return await broker.ping(timeout=2.0)

    return kafka


def health_router(checks: Mapping[str, Check], *, timeout: float = 2.0) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/livez", summary="The process answers")
    async def livez() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="Database and broker connections work")
    async def readyz() -> JSONResponse:
        results = await asyncio.gather(*(_run(check, timeout) for check in checks.values()))
        report = dict(zip(checks, results, strict=True))
        ready = all(result == "ok" for result in results)
        return JSONResponse(
            {"status": "ok" if ready else "unavailable", "checks": report},
            status_code=200 if ready else 503,
        )

    @router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


async def _run(check: Check, limit: float) -> str:
    try:
        result = await asyncio.wait_for(check(), limit)
    except Exception as exc:  # noqa: BLE001 - any failure means not ready, reported by name
        return f"failed: {type(exc).__name__}: {exc}"[:300]
    return "ok" if result is not False else "failed"
