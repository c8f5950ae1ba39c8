"""Fixtures: `stack`, conversation-svc and access-svc in process, over the real broker and
PostgreSQL; `engine`, a migrated database; `world` (see `world.py`), a channel on it.

In `stack`, access-svc runs with its development issuer on a key the test also holds: it signs the
agents' tokens, and conversation-svc gets its service tokens from the issuer's endpoint,
as it does locally. conversation-svc reaches access-svc over an in-process transport.
"""

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy.ext.asyncio import AsyncEngine

from switchboard_access import __main__ as access_cli
from switchboard_access.bootstrap import create_app as create_access
from switchboard_access.settings import AccessSettings
from switchboard_contracts.enums import OrgRole
from switchboard_conversation.adapters.access import HttpAccessChecker
from switchboard_conversation.bootstrap import create_app
from switchboard_conversation.service_layer.context import ConversationContext
from switchboard_conversation.settings import ConversationSettings
from switchboard_platform.auth.service_tokens import ServiceTokens
from switchboard_platform.auth.settings import AuthSettings
from switchboard_platform.auth.signing import TokenSigner, generate_signing_key
from switchboard_platform.db.engine import create_engine
from switchboard_platform.db.migrations import upgrade
from switchboard_platform.kafka.broker import EventPublisher, build_broker
from switchboard_platform.settings import DatabaseSettings, KafkaSettings
from switchboard_testing import databases

from .support import MIGRATIONS, MovableClock
from .world import World

ISSUER = "https://id.switchboard.test"
AUDIENCE = "switchboard"


@dataclass
class Stack:
    conversation: httpx.AsyncClient
    access: httpx.AsyncClient
    context: ConversationContext
    clock: MovableClock
    signer: TokenSigner
    publisher: EventPublisher
    kafka: KafkaSettings
    org: uuid.UUID
    admin: uuid.UUID

    def as_user(self, user_id: uuid.UUID | str, role: OrgRole = OrgRole.AGENT) -> dict[str, str]:
        token = self.signer.user_token(
            org_id=self.org, user_id=uuid.UUID(str(user_id)), org_role=role
        )
        return {"authorization": f"Bearer {token}"}

    def as_admin(self) -> dict[str, str]:
        return self.as_user(self.admin, OrgRole.ADMIN)


@pytest.fixture
async def stack(
    fresh_database_url: str,
    database_server_url: str,
    kafka_bootstrap_servers: str,
    topic_prefix: str,
) -> AsyncIterator[Stack]:
    key = generate_signing_key()
    signer = TokenSigner(key, issuer=ISSUER, audience=AUDIENCE)
    auth = AuthSettings(
        issuer=ISSUER, audience=AUDIENCE, jwks=json.dumps(signer.jwks()), jwks_url=None
    )
    kafka = KafkaSettings(bootstrap_servers=kafka_bootstrap_servers, topic_prefix=topic_prefix)
    access_db = databases.create_database(database_server_url, prefix="sb_access_story")
    upgrade(access_cli.MIGRATIONS, access_db)
    upgrade(MIGRATIONS, fresh_database_url)
    access_app = create_access(
        AccessSettings(
            database=DatabaseSettings(url=access_db),
            kafka=kafka,
            auth=auth,
            consumer_group=f"access-story-{uuid.uuid4().hex[:8]}",
            dev_issuer=True,
            dev_issuer_key=json.dumps(key.as_dict(private=True)),
        )
    )
    transport = httpx.ASGITransport(app=access_app)
    checker = HttpAccessChecker(
        httpx.AsyncClient(transport=transport, base_url="http://access"),
        ServiceTokens(
            "http://access/v1/dev/tokens",
            service="conversation-svc",
            client=httpx.AsyncClient(transport=transport),
        ),
        ttl_seconds=0.5,
    )
    clock = MovableClock()
    app = create_app(
        ConversationSettings(
            database=DatabaseSettings(url=fresh_database_url),
            kafka=kafka,
            auth=auth,
            consumer_group=f"conversation-story-{uuid.uuid4().hex[:8]}",
            sweep_enabled=False,  # the test sweeps when it has moved the clock
        ),
        access=checker,
        clock=clock,
    )
    broker = build_broker(kafka, client_id="story-test")
    try:
        async with (
            LifespanManager(access_app, startup_timeout=60, shutdown_timeout=60),
            LifespanManager(app, startup_timeout=60, shutdown_timeout=60),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://c"
            ) as client,
            httpx.AsyncClient(transport=transport, base_url="http://access") as access_client,
        ):
            await broker.start()
            org = uuid.uuid4()
            # The organization's first admin on record, created by the identity provider's
            # admin (the only thing such an admin may do): the tests act as it.
            first = signer.user_token(org_id=org, user_id=uuid.uuid4(), org_role=OrgRole.ADMIN)
            created = await access_client.post(
                "/v1/users",
                json={"email": "admin@example.com", "display_name": "Admin", "org_role": "admin"},
                headers={"authorization": f"Bearer {first}"},
            )
            assert created.status_code == 201, created.text
            try:
                yield Stack(
                    conversation=client,
                    access=access_client,
                    context=app.state.context,
                    clock=clock,
                    signer=signer,
                    publisher=EventPublisher(broker, kafka),
                    kafka=kafka,
                    org=org,
                    admin=uuid.UUID(created.json()["id"]),
                )
            finally:
                await broker.stop()
    finally:
        databases.drop_database(database_server_url, access_db)


@pytest.fixture
async def engine(fresh_database_url: str) -> AsyncIterator[AsyncEngine]:
    upgrade(MIGRATIONS, fresh_database_url)
    engine = create_engine(fresh_database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def world(engine: AsyncEngine) -> World:
    world = World(engine)
    await world.connect()
    return world
