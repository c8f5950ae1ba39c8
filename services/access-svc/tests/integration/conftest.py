"""access-svc in process, over real PostgreSQL (migrated with its own migrations) and the
real broker. One app and one database serve a module's tests: each test works in its own
organization, which is what tenancy guarantees anyway."""

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from switchboard_access import __main__ as cli
from switchboard_access.bootstrap import create_app
from switchboard_access.settings import AccessSettings
from switchboard_platform.auth.settings import AuthSettings
from switchboard_platform.auth.signing import TokenSigner, generate_signing_key
from switchboard_platform.db.migrations import upgrade
from switchboard_platform.settings import DatabaseSettings, KafkaSettings
from switchboard_testing import databases

from .support import Tenant

ISSUER = "https://id.switchboard.test"
AUDIENCE = "switchboard"
MIGRATIONS = Path(cli.__file__).parent / "migrations"


@dataclass(frozen=True)
class Running:
    app: FastAPI
    client: httpx.AsyncClient
    settings: AccessSettings


@pytest.fixture(scope="session")
def signer() -> TokenSigner:
    """The identity provider of the tests."""
    return TokenSigner(generate_signing_key(), issuer=ISSUER, audience=AUDIENCE)


@pytest.fixture(scope="module")
def module_database_url(database_server_url: str) -> Iterator[str]:
    url = databases.create_database(database_server_url, prefix="sb_access_test")
    upgrade(MIGRATIONS, url)
    yield url
    databases.drop_database(database_server_url, url)


def settings_for(
    database_url: str, kafka_bootstrap_servers: str, topic_prefix: str, signer: TokenSigner
) -> AccessSettings:
    return AccessSettings(
        database=DatabaseSettings(url=database_url),
        kafka=KafkaSettings(bootstrap_servers=kafka_bootstrap_servers, topic_prefix=topic_prefix),
        auth=AuthSettings(
            issuer=ISSUER, audience=AUDIENCE, jwks=json.dumps(signer.jwks()), jwks_url=None
        ),
        consumer_group=f"access-test-{uuid.uuid4().hex[:8]}",
    )


@pytest.fixture(scope="module")
async def running(
    module_database_url: str, kafka_bootstrap_servers: str, topic_prefix: str, signer: TokenSigner
) -> AsyncIterator[Running]:
    settings = settings_for(module_database_url, kafka_bootstrap_servers, topic_prefix, signer)
    app = create_app(settings)
    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=60),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://access"
        ) as client,
    ):
        yield Running(app, client, settings)


@pytest.fixture
async def tenant(running: Running, signer: TokenSigner) -> Tenant:
    """A new organization with its first admin on record (created by the identity
    provider's admin, as on day one)."""
    tenant = Tenant(running.client, signer, running.app.state.context.unit_of_work)
    await tenant.bootstrap()
    return tenant


@pytest.fixture
async def other_tenant(running: Running, signer: TokenSigner) -> Tenant:
    tenant = Tenant(running.client, signer, running.app.state.context.unit_of_work)
    await tenant.bootstrap()
    return tenant
