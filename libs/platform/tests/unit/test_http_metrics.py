"""Every app built with `create_app` counts and times requests by route template."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families

from switchboard_platform.http.app import create_app

pytestmark = pytest.mark.unit


@asynccontextmanager
async def _no_lifespan(_: FastAPI) -> AsyncIterator[None]:
    yield


def samples(text: str, name: str) -> list[tuple[dict[str, str], float]]:
    return [
        (s.labels, s.value)
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == name
    ]


async def test_requests_are_counted_by_route_template_and_status() -> None:
    app = create_app(title="t", description="d", lifespan=_no_lifespan, checks={})

    @app.get("/v1/things/{thing_id}")
    async def thing(thing_id: int) -> dict[str, int]:
        return {"id": thing_id}

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        for thing_id in (1, 2, 3):
            assert (await client.get(f"/v1/things/{thing_id}")).status_code == 200
        assert (await client.get("/v1/things/not-a-number")).status_code == 422
        assert (await client.get("/nowhere")).status_code == 404
        text = (await client.get("/metrics")).text

    counts = {
        (labels["route"], labels["status"]): value
        for labels, value in samples(text, "sb_http_requests_total")
        if labels["method"] == "GET"
    }
    assert counts[("/v1/things/{thing_id}", "200")] >= 3
    assert counts[("/v1/things/{thing_id}", "422")] >= 1
    assert counts[("unmatched", "404")] >= 1
    assert not any(route == "/v1/things/1" for route, _ in counts)
    assert samples(text, "sb_http_request_seconds_count")


async def test_metrics_exposes_the_consumer_and_outbox_families() -> None:
    app = create_app(title="t", description="d", lifespan=_no_lifespan, checks={})
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        text = (await client.get("/metrics")).text
    names = {family.name for family in text_string_to_metric_families(text)}
    for expected in (
        "sb_http_requests",
        "sb_consumer_messages",
        "sb_consumer_processing_seconds",
        "sb_consumer_lag",
        "sb_outbox_published",
        "sb_outbox_backlog",
        "sb_outbox_oldest_age_seconds",
    ):
        assert expected in names, expected
