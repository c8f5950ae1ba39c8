"""channel-svc in process over real PostgreSQL and Kafka, with the Twitter simulator in
process (its ASGI app as the transport of channel-svc's Twitter client)."""

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import partial
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
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from switchboard_channel import __main__ as cli
from switchboard_channel.adapters import tables
from switchboard_channel.adapters.twitter import Reply, SendOutcome, TwitterApi
from switchboard_channel.adapters.unit_of_work import UnitOfWork
from switchboard_channel.bootstrap import build_context, create_app
from switchboard_channel.domain.credentials import AccountCredentials
from switchboard_channel.service_layer import connect as connecting
from switchboard_channel.service_layer.context import ChannelContext
from switchboard_channel.settings import ChannelSettings
from switchboard_contracts.enums import ActorKind, MessageKind, OrgRole
from switchboard_contracts.envelope import Actor, Subject, utc_now
from switchboard_contracts.events.replies import ReplyRequested, ReplyRequestedPayload
from switchboard_platform.auth.claims import Principal, TokenKind
from switchboard_platform.auth.settings import AuthSettings
from switchboard_platform.auth.standing import Caller, Standing
from switchboard_platform.db.engine import create_engine, session_factory
from switchboard_platform.db.migrations import upgrade
from switchboard_platform.kafka.broker import EventPublisher, build_broker
from switchboard_platform.settings import DatabaseSettings, KafkaSettings
from switchboard_twitter_sim.app import create_app as create_sim
from switchboard_twitter_sim.client import SimulatorClient
from switchboard_twitter_sim.control_models import SimUser
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


@pytest.fixture
async def publisher(
    kafka_bootstrap_servers: str, topic_prefix: str
) -> AsyncIterator[EventPublisher]:
    """Publishes what the other services would (conversation-svc's requests, ingest-svc's
    activity) on the session's topics."""
    settings = KafkaSettings(bootstrap_servers=kafka_bootstrap_servers, topic_prefix=topic_prefix)
    broker = build_broker(settings, client_id="other-services-stand-in")
    await broker.start()
    yield EventPublisher(broker, settings)
    await broker.stop()


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


# The outbound worker, called as the consumer would call it --------------------------------


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@dataclass
class Brand:
    ctx: ChannelContext
    org_id: uuid.UUID
    channel_id: uuid.UUID
    account: SimUser
    customer: SimUser
    mention_id: str


def context(
    engine: AsyncEngine, database_url: str, keys: list[str], sim: Sim, **overrides: Any
) -> ChannelContext:
    return build_context(
        settings_for(database_url, keys, **overrides),
        unit_of_work=partial(UnitOfWork, session_factory(engine)),
        twitter_transport=sim.transport,
        access=FakeAccess(),
    )


@pytest.fixture
async def brand(engine: AsyncEngine, database_url: str, keys: list[str], sim: Sim) -> Brand:
    ctx = context(engine, database_url, keys[:1], sim)
    org_id = uuid.uuid4()
    admin_id = uuid.uuid4()
    principal = Principal(
        org_id=org_id, subject=str(admin_id), kind=TokenKind.USER, org_role=OrgRole.ADMIN
    )
    admin = Caller(principal, "", Standing(admin_id, OrgRole.ADMIN, active=True))
    account = await sim.client.create_user("brand_out")
    customer = await sim.client.create_user("customer_out")
    started = await connecting.start(ctx, admin)
    await sim.client.script_authorization(approve_as=account)
    query = dict(
        part.split("=", 1)
        for part in urlsplit(await browse(sim, started.authorization_url)).query.split("&")
    )
    done = await connecting.complete(
        ctx,
        state=query["state"],
        oauth_token=query["oauth_token"],
        oauth_verifier=query["oauth_verifier"],
        denied=None,
    )
    mention = await sim.client.mention(customer, account, "help please")
    return Brand(ctx, org_id, done.channel.id, account, customer, mention.id)


def request(
    brand: Brand,
    text: str,
    *,
    kind: MessageKind = MessageKind.TWEET,
    message_id: uuid.UUID | None = None,
) -> ReplyRequested:
    return ReplyRequested(
        event_id=uuid.uuid4(),
        occurred_at=utc_now(),
        org_id=brand.org_id,
        producer="conversation-svc",
        actor=Actor(kind=ActorKind.USER, id=str(uuid.uuid4())),
        correlation_id=uuid.uuid4(),
        subject=Subject(channel_id=brand.channel_id),
        payload=ReplyRequestedPayload(
            message_id=message_id or uuid.uuid4(),
            conversation_id=uuid.uuid4(),
            channel_id=brand.channel_id,
            kind=kind,
            text=text,
            customer_id=brand.customer.id,
            in_reply_to_tweet_id=brand.mention_id if kind is MessageKind.TWEET else None,
            requested_by=uuid.uuid4(),
        ),
    )


async def results(engine: AsyncEngine) -> dict[str, dict]:  # type: ignore[type-arg]
    """message id -> its result event, asserting there is exactly one per message."""
    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                select(tables.outbox.c.value).where(tables.outbox.c.topic == "replies.results.v1")
            )
        ).all()
    found: dict[str, dict] = {}  # type: ignore[type-arg]
    for row in rows:
        event = json.loads(row.value)
        message_id = event["payload"]["message_id"]
        assert message_id not in found, f"two results for {message_id}"
        found[message_id] = event
    return found


class Crash(BaseException):
    """The process dies: nothing after this point runs (not even `except Exception`)."""


class CrashAfterSending(TwitterApi):
    """Twitter answers 201, then the worker dies before recording it: the worst point."""

    def __init__(self, real: TwitterApi, crash_on: str) -> None:
        self.__dict__.update(real.__dict__)
        self._crash_on = crash_on

    async def send(self, reply: Reply, credentials: AccountCredentials) -> SendOutcome:
        outcome = await super().send(reply, credentials)
        if reply.text == self._crash_on:
            raise Crash
        return outcome
