"""channel-svc in process over real PostgreSQL and Kafka, with the Twitter simulator in
process (its ASGI app as the transport of channel-svc's Twitter client)."""

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import httpx2
import pytest
from asgi_lifespan import LifespanManager
from cryptography.fernet import Fernet
from fastapi import FastAPI
from pydantic import SecretStr

from switchboard_channel import __main__ as cli
from switchboard_channel.bootstrap import create_app
from switchboard_channel.settings import ChannelSettings
from switchboard_platform.auth.settings import AuthSettings
from switchboard_platform.db.migrations import upgrade
from switchboard_platform.settings import DatabaseSettings, KafkaSettings
from switchboard_twitter_sim.app import create_app as create_sim
from switchboard_twitter_sim.client import SimulatorClient
from switchboard_twitter_sim.settings import SimulatorSettings
from switchboard_twitter_sim.webhook_receiver import WebhookReceiver

from .support import AUDIENCE, ISSUER, SIGNER, FakeAccess, Org

MIGRATIONS = Path(cli.__file__).parent / "migrations"
CONSUMER_KEY = "test-consumer-key"
CONSUMER_SECRET = "test-consumer-secret"
API = "https://api.twitter.test"  # authlib signs only https or loopback URLs
WEBHOOK_URL = "https://ingest.test/webhooks/twitter"
PUBLIC_URL = "https://channels.test"


@dataclass
class Sim:
    app: FastAPI
    client: SimulatorClient
    receiver: WebhookReceiver

    @property
    def transport(self) -> httpx2.ASGITransport:
        return httpx2.ASGITransport(app=self.app)


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    receiver = WebhookReceiver(CONSUMER_SECRET)
    settings = SimulatorSettings(
        consumer_key=CONSUMER_KEY,
        consumer_secret=CONSUMER_SECRET,
        bearer_token="test-bearer",
        retry_backoff_seconds=0.01,
        log_format="console",
    )
    app = create_sim(settings, webhook_transport=httpx2.ASGITransport(app=receiver.app))
    async with (
        LifespanManager(app),
        SimulatorClient(API, transport=httpx2.ASGITransport(app=app)) as client,
    ):
        yield Sim(app, client, receiver)


@pytest.fixture
def keys() -> list[str]:
    return [Fernet.generate_key().decode() for _ in range(2)]


@pytest.fixture
def database_url(fresh_database_url: str) -> str:
    upgrade(MIGRATIONS, fresh_database_url)
    return fresh_database_url


def settings_for(
    database_url: str,
    keys: list[str],
    *,
    kafka: str = "127.0.0.1:1",
    topic_prefix: str = "",
    **overrides: Any,
) -> ChannelSettings:
    values: dict[str, object] = {
        "database": DatabaseSettings(url=database_url),
        "kafka": KafkaSettings(bootstrap_servers=kafka, topic_prefix=topic_prefix),
        "auth": AuthSettings(
            issuer=ISSUER, audience=AUDIENCE, jwks=json.dumps(SIGNER.jwks()), jwks_url=None
        ),
        "consumer_group": f"channel-test-{uuid.uuid4().hex[:8]}",
        "public_url": PUBLIC_URL,
        "twitter_api_url": API,
        "twitter_web_url": API,
        "consumer_key": CONSUMER_KEY,
        "consumer_secret": SecretStr(CONSUMER_SECRET),
        "webhook_url": WEBHOOK_URL,
        "credential_keys": SecretStr(",".join(keys)),
        "reconcile": "simulator",
        "send_backoff_seconds": 0.01,
        "log_format": "console",
    }
    values.update(overrides)
    return ChannelSettings(**values)  # type: ignore[arg-type]


@dataclass
class Service:
    app: FastAPI
    client: httpx.AsyncClient
    access: FakeAccess
    settings: ChannelSettings


@pytest.fixture
async def service(
    database_url: str, keys: list[str], sim: Sim, kafka_bootstrap_servers: str, topic_prefix: str
) -> AsyncIterator[Service]:
    settings = settings_for(
        database_url, keys, kafka=kafka_bootstrap_servers, topic_prefix=topic_prefix
    )
    access = FakeAccess()
    app = create_app(settings, twitter_transport=sim.transport, access=access)
    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=60),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC_URL) as client,
    ):
        yield Service(app, client, access, settings)


async def browse(sim: Sim, url: str) -> str:
    """The admin's browser on Twitter's authorize page: where Twitter sends it back."""
    async with httpx2.AsyncClient(transport=sim.transport) as browser:
        response = await browser.get(url)
    assert response.status_code == 302, response.text
    return str(response.headers["location"])


async def connect(
    service: Service, sim: Sim, org: Org, handle: str, *, approve: bool = True
) -> httpx.Response:
    """Settings -> Channels -> Add Channel -> Twitter -> Authorize app, end to end."""
    started = await service.client.post("/v1/channels/twitter/authorizations", headers=org.admin())
    assert started.status_code == 201, started.text
    await sim.client.script_authorization(approve_as=handle if approve else None)
    location = await browse(sim, started.json()["authorization_url"])
    assert location.startswith(PUBLIC_URL + "/v1/channels/twitter/callback?")
    parts = urlsplit(location)
    return await service.client.get(f"{parts.path}?{parts.query}")
