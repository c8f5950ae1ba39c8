"""Every change reaches `access.v1` through the transactional outbox, over the real broker;
a relay that is not running, or crashes mid-way, loses nothing: the next one publishes."""

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from switchboard_access import __main__ as cli
from switchboard_access.adapters import tables
from switchboard_access.adapters.unit_of_work import UnitOfWork
from switchboard_access.service_layer import channels, grants, teams, users
from switchboard_access.service_layer.grants import GrantTarget
from switchboard_contracts.enums import ChannelRole, OrgRole, PrincipalKind
from switchboard_contracts.topics import ACCESS
from switchboard_platform.auth.claims import Principal, TokenKind
from switchboard_platform.auth.standing import Caller, Standing
from switchboard_platform.db.engine import create_engine, session_factory
from switchboard_platform.db.migrations import upgrade
from switchboard_platform.db.outbox import OutboxRelay
from switchboard_platform.kafka.broker import EventPublisher, OutgoingRecord, build_broker
from switchboard_platform.settings import KafkaSettings
from switchboard_testing.builders import channel_snapshot
from switchboard_testing.kafka import consume_until

from .support import Tenant

pytestmark = pytest.mark.integration


def of_org(org_id: uuid.UUID | str) -> Any:
    return lambda message: message["key"] == str(org_id)


async def test_a_grant_change_is_visible_on_access_v1(
    tenant: Tenant, kafka_bootstrap_servers: str, topic_prefix: str
) -> None:
    user, channel = await tenant.user(), await tenant.channel()
    await tenant.grant(channel, f"users/{user}", "viewer")
    await tenant.grant(channel, f"users/{user}", "contributor")
    await tenant.grant(channel, f"users/{user}", "contributor")  # no change, no event
    removed = await tenant.client.delete(
        f"/v1/channels/{channel}/access/users/{user}", headers=tenant.as_admin()
    )
    assert removed.status_code == 204

    def grant_events(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            m
            for m in messages
            if of_org(tenant.id)(m) and m["value"]["type"] == "access.grant.changed"
        ]

    seen = await consume_until(
        kafka_bootstrap_servers,
        f"{topic_prefix}{ACCESS.name}",
        lambda ms: len(grant_events(ms)) >= 3,
    )
    events = grant_events(seen)
    assert [
        (e["value"]["payload"]["previous_role"], e["value"]["payload"]["role"]) for e in events
    ] == [
        (None, "viewer"),
        ("viewer", "contributor"),
        ("contributor", None),
    ]
    for event in events:
        parsed = ACCESS.adapter.validate_python(event["value"])  # the contract reads it
        assert parsed.org_id == tenant.id
        assert parsed.actor.id == str(tenant.admin_id)
        assert event["headers"]["event-type"] == "access.grant.changed"
        assert event["value"]["payload"]["principal_id"] == user
        assert event["value"]["subject"]["channel_id"] == channel


async def test_every_kind_of_change_is_announced_in_order(
    tenant: Tenant, kafka_bootstrap_servers: str, topic_prefix: str
) -> None:
    user = await tenant.user()
    team = await tenant.team(members=(user,))
    other = await tenant.team()
    channel = await tenant.channel()
    await tenant.grant(channel, f"teams/{team}", "viewer")
    await tenant.grant(channel, f"teams/{team}/members/{user}", "supervisor")
    moved = await tenant.client.post(
        f"/v1/teams/{other}/members",
        json={"user_id": user, "move": True},
        headers=tenant.as_admin(),
    )
    assert moved.status_code == 201
    await tenant.client.patch(
        f"/v1/users/{user}", json={"active": False}, headers=tenant.as_admin()
    )
    expected = [
        ("access.user.changed", "created"),  # the tenant's admin on record
        ("access.user.changed", "created"),
        ("access.team.changed", "created"),
        ("access.team.membership_changed", (None, team)),
        ("access.team.changed", "created"),
        ("access.grant.changed", ("team", None, "viewer")),
        ("access.grant.changed", ("team", user, "supervisor")),
        ("access.grant.changed", ("team", user, None)),  # leaving the team ends the member role
        ("access.team.membership_changed", (team, other)),
        ("access.user.changed", "deactivated"),
    ]
    seen = await consume_until(
        kafka_bootstrap_servers,
        f"{topic_prefix}{ACCESS.name}",
        lambda ms: len([m for m in ms if of_org(tenant.id)(m)]) >= len(expected),
    )
    assert [_summary(m["value"]) for m in seen if of_org(tenant.id)(m)] == expected


def _summary(event: dict[str, Any]) -> tuple[str, object]:
    payload = event["payload"]
    match event["type"]:
        case "access.team.membership_changed":
            return event["type"], (payload["previous_team_id"], payload["team_id"])
        case "access.grant.changed":
            return event["type"], (
                payload["principal_kind"],
                payload["member_user_id"],
                payload["role"],
            )
        case _:
            return event["type"], payload["change"]


# A relay that is not running, or crashes --------------------------------------------------
class CrashingPublisher(EventPublisher):
    """The relay's producer dies around sending a batch: before it (nothing sent) or after
    it (sent, but the relay never gets to mark the rows as sent)."""

    def __init__(self, real: EventPublisher, settings: KafkaSettings, *, after_send: bool) -> None:
        super().__init__(real._broker, settings)
        self._after_send = after_send

    async def publish_batch(self, records: Sequence[OutgoingRecord]) -> None:
        if self._after_send:
            await super().publish_batch(records)
        raise ConnectionError("the relay's process died")


@pytest.fixture
async def store(fresh_database_url: str) -> AsyncIterator[AsyncEngine]:
    """A database of its own: no relay of any running app touches its outbox."""
    upgrade(Path(cli.__file__).parent / "migrations", fresh_database_url)
    engine = create_engine(fresh_database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def kafka(
    kafka_bootstrap_servers: str, topic_prefix: str
) -> AsyncIterator[tuple[EventPublisher, KafkaSettings]]:
    settings = KafkaSettings(bootstrap_servers=kafka_bootstrap_servers, topic_prefix=topic_prefix)
    broker = build_broker(settings, client_id="access-outbox-test")
    await broker.start()
    yield EventPublisher(broker, settings), settings
    await broker.stop()


async def committed_changes(engine: AsyncEngine) -> tuple[uuid.UUID, list[str]]:
    """Changes committed through the service layer while no relay runs; their event ids."""
    org = uuid.uuid4()
    admin_id = uuid.uuid4()
    principal = Principal(
        org_id=org, subject=str(admin_id), kind=TokenKind.USER, org_role=OrgRole.ADMIN
    )
    admin = Caller(principal, "", Standing(admin_id, OrgRole.ADMIN, active=True))
    sessions = session_factory(engine)
    user = await users.create_user(
        UnitOfWork(sessions),
        admin,
        email="ana@example.com",
        display_name="Ana",
        org_role=OrgRole.AGENT,
    )
    await teams.create_team(UnitOfWork(sessions), admin, name="Support")
    snapshot = channel_snapshot(org_id=org)
    await channels.handle_channel_snapshot(UnitOfWork(sessions), snapshot)
    target = GrantTarget(PrincipalKind.USER, user.id)
    for role in (ChannelRole.VIEWER, ChannelRole.SUPERVISOR):
        await grants.set_grant(
            UnitOfWork(sessions), admin, snapshot.payload.channel_id, target, role
        )
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(tables.outbox.c.event_id).order_by(tables.outbox.c.id)
        )
        return org, [str(event_id) for (event_id,) in rows]


async def outbox_size(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(tables.outbox)) or 0)


async def test_changes_committed_while_no_relay_runs_are_published_by_the_next_relay(
    store: AsyncEngine, kafka: tuple[EventPublisher, KafkaSettings], kafka_bootstrap_servers: str
) -> None:
    publisher, _ = kafka
    org, event_ids = await committed_changes(store)
    assert len(event_ids) == 4  # user, team, two grant changes
    relay = OutboxRelay(store, tables.outbox, publisher, idle_seconds=0.2)
    task = asyncio.create_task(relay.run())
    try:
        seen = await consume_until(
            kafka_bootstrap_servers,
            publisher.topic_name(ACCESS),
            lambda ms: len([m for m in ms if of_org(org)(m)]) >= len(event_ids),
        )
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert [m["value"]["event_id"] for m in seen if of_org(org)(m)] == event_ids
    assert await outbox_size(store) == 0


@pytest.mark.parametrize("after_send", [False, True], ids=["before-send", "after-send"])
async def test_a_relay_crashing_mid_way_loses_no_event(
    store: AsyncEngine,
    kafka: tuple[EventPublisher, KafkaSettings],
    kafka_bootstrap_servers: str,
    *,
    after_send: bool,
) -> None:
    publisher, settings = kafka
    org, event_ids = await committed_changes(store)
    crashing = OutboxRelay(
        store, tables.outbox, CrashingPublisher(publisher, settings, after_send=after_send)
    )
    with pytest.raises(ConnectionError):
        await crashing.publish_pending()
    assert await outbox_size(store) == len(event_ids)  # nothing was marked sent
    fresh = OutboxRelay(store, tables.outbox, publisher)
    assert await fresh.publish_pending() == len(event_ids)
    assert await outbox_size(store) == 0
    expected_copies = 2 if after_send else 1  # at least once: consumers deduplicate by id

    def ids(messages: list[dict[str, Any]]) -> list[str]:
        return [m["value"]["event_id"] for m in messages if of_org(org)(m)]

    seen = await consume_until(
        kafka_bootstrap_servers,
        publisher.topic_name(ACCESS),
        lambda ms: len(ids(ms)) >= expected_copies * len(event_ids),
    )
    assert ids(seen) == event_ids * expected_copies
