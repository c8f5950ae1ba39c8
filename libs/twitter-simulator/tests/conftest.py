from collections.abc import AsyncIterator, Callable

import httpx2
import pytest
from asgi_lifespan import LifespanManager
from authlib.integrations.httpx_client import OAuth1Auth
from fastapi import FastAPI

from switchboard_twitter_sim.app import create_app
from switchboard_twitter_sim.client import SimulatorClient
from switchboard_twitter_sim.settings import SimulatorSettings
from switchboard_twitter_sim.webhook_receiver import WebhookReceiver

CONSUMER_KEY = "test-consumer-key"
CONSUMER_SECRET = "test-consumer-secret"
BEARER = "test-bearer-token"
# authlib signs only https or loopback URLs; an https base works in process too.
API = "https://api.twitter.test"


@pytest.fixture
def settings() -> SimulatorSettings:
    return SimulatorSettings(
        consumer_key=CONSUMER_KEY,
        consumer_secret=CONSUMER_SECRET,
        bearer_token=BEARER,
        seed_accounts="acme_support:1111111111111111111",
        retry_backoff_seconds=0.01,
        log_format="console",
    )


@pytest.fixture
def receiver() -> WebhookReceiver:
    return WebhookReceiver(CONSUMER_SECRET)


@pytest.fixture
async def sim_app(settings: SimulatorSettings, receiver: WebhookReceiver) -> AsyncIterator[FastAPI]:
    app = create_app(settings, webhook_transport=httpx2.ASGITransport(app=receiver.app))
    async with LifespanManager(app):
        yield app


@pytest.fixture
async def api(sim_app: FastAPI) -> AsyncIterator[httpx2.AsyncClient]:
    """A plain client of the simulated Twitter API."""
    transport = httpx2.ASGITransport(app=sim_app)
    async with httpx2.AsyncClient(transport=transport, base_url=API) as client:
        yield client


@pytest.fixture
async def sim(sim_app: FastAPI) -> AsyncIterator[SimulatorClient]:
    async with SimulatorClient(API, transport=httpx2.ASGITransport(app=sim_app)) as client:
        yield client


@pytest.fixture
def api_as(sim_app: FastAPI) -> Callable[[str, str], httpx2.AsyncClient]:
    """A client of the Twitter API that signs every call as the given access token."""

    def build(token: str, token_secret: str) -> httpx2.AsyncClient:
        # Without force_include_body authlib sends JSON requests with an empty body.
        auth = OAuth1Auth(
            CONSUMER_KEY,
            CONSUMER_SECRET,
            token=token,
            token_secret=token_secret,
            force_include_body=True,
        )
        return httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=sim_app), base_url=API, auth=auth
        )

    return build


BEARER_HEADERS = {"authorization": f"Bearer {BEARER}"}
