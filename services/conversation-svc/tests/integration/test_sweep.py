"""The auto-resolve sweep over real PostgreSQL: batches written in bulk, each conversation
with its own events (ownership removed first, then the status, reason `auto_resolve`), one
sweeper at a time, thresholds per queue, the injected clock."""

import uuid
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from switchboard_contracts.events.channels import AutoResolve
from switchboard_conversation.adapters import tables
from switchboard_conversation.adapters.unit_of_work import UnitOfWork
from switchboard_conversation.service_layer.auto_resolve import SWEEP_LOCK_KEY, sweep
from switchboard_conversation.service_layer.channels import handle_channel_snapshot
from switchboard_conversation.service_layer.context import ConversationContext
from switchboard_conversation.service_layer.twitter_activity import handle_activity
from switchboard_platform.db.engine import session_factory
from switchboard_testing.builders import channel_snapshot, tweet_received

from .support import FakeAccess

pytestmark = pytest.mark.integration
T0 = datetime(2026, 5, 1, tzinfo=UTC)
HOUR = 3600


class SetClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


async def rows(engine: AsyncEngine, statement: Any) -> list[Any]:
    async with engine.connect() as connection:
        return list((await connection.execute(statement)).all())


async def test_the_sweep_resolves_in_batches_with_events_per_conversation(
    engine: AsyncEngine,
) -> None:
    clock = SetClock(T0)
    context = ConversationContext(
        unit_of_work=partial(UnitOfWork, session_factory(engine)),
        access=FakeAccess(),
        clock=clock,
    )
    # New after 2 hours, Pending after 1 hour.
    policy = AutoResolve(new_after_seconds=2 * HOUR, pending_after_seconds=HOUR)
    await handle_channel_snapshot(
        context.unit_of_work(), channel_snapshot(account_id="3300000001", auto_resolve=policy)
    )
    await handle_channel_snapshot(
        context.unit_of_work(),
        channel_snapshot(account_id="3300000002", auto_resolve=AutoResolve(enabled=False)),
    )
    for i in range(8):
        for account in ("3300000001", "3300000002"):
            await handle_activity(
                context.unit_of_work(),
                tweet_received(
                    tweet_id=f"{account[-1]}00{i}",
                    customer_id=str(9500 + i),
                    account_id=account,
                    created_at=T0 + timedelta(minutes=i),
                ),
            )
    owner = uuid.uuid4()
    async with engine.begin() as connection:  # half of them Pending, half of those owned
        await connection.execute(
            text(
                "UPDATE conversations SET status = 'pending', owner_id = CASE WHEN "
                "customer_id::int % 4 = 0 THEN CAST(:owner AS uuid) END, revision = revision + 1 "
                "WHERE customer_id::int % 2 = 0"
            ),
            {"owner": owner},
        )
    before = {r.id: r for r in await rows(engine, select(tables.conversations))}

    clock.at = T0 + timedelta(hours=1, minutes=2)  # Pending ones of minutes 0 and 2 only
    assert await sweep(context, batch_size=3) == 2
    clock.at = T0 + timedelta(hours=3)  # everything on the first channel
    resolved_before = REGISTRY.get_sample_value("sb_auto_resolved_conversations_total") or 0
    assert await sweep(context, batch_size=3) == 6
    assert await sweep(context, batch_size=3) == 0
    resolved_after = REGISTRY.get_sample_value("sb_auto_resolved_conversations_total") or 0
    assert resolved_after - resolved_before == 6

    after = {r.id: r for r in await rows(engine, select(tables.conversations))}
    swept = [r for r in after.values() if r.status == "resolved"]
    assert len(swept) == 8
    assert {before[r.id].channel_id for r in swept} == {swept[0].channel_id}  # auto-resolve off
    assert all(r.owner_id is None for r in swept)
    h = tables.history.c
    history = await rows(
        engine,
        select(h.conversation_id, h.revision, h.type, h.reason, h.from_status, h.occurred_at)
        .where(h.reason.in_(["resolved", "auto_resolve"]))
        .order_by(h.conversation_id, h.revision),
    )
    for conversation in swept:
        was = before[conversation.id]
        mine = [r for r in history if r.conversation_id == conversation.id]
        expected = [("conversation.status_changed", "auto_resolve", was.status)]
        if was.owner_id is not None:
            expected.insert(0, ("conversation.owner_changed", "resolved", None))
        assert [(r.type, r.reason, r.from_status) for r in mine] == expected
        assert [r.revision for r in mine] == list(
            range(was.revision + 1, was.revision + 1 + len(expected))
        )
        assert conversation.revision == was.revision + len(expected)
        assert conversation.updated_at == mine[-1].occurred_at
    assert sum(1 for r in history if r.reason == "resolved") == 2  # the two owned ones
    o = tables.outbox.c
    outbox = await rows(engine, select(o.key, o.event_id, o.event_type).order_by(o.id))
    resolved_events = [r for r in outbox if r.key in {str(s.id) for s in swept}]
    per_key: dict[str, list[str]] = {}
    for r in resolved_events:
        per_key.setdefault(r.key, []).append(r.event_type)
    for key, types in per_key.items():  # in revision order within each conversation
        owned = before[uuid.UUID(key)].owner_id is not None
        assert types[-1] == "conversation.status_changed"
        assert ("conversation.owner_changed" in types[-2:-1]) == owned
    assert len({r.event_id for r in outbox}) == len(outbox)


async def test_one_sweeper_at_a_time(engine: AsyncEngine) -> None:
    clock = SetClock(T0)
    context = ConversationContext(
        unit_of_work=partial(UnitOfWork, session_factory(engine)),
        access=FakeAccess(),
        clock=clock,
    )
    await handle_channel_snapshot(
        context.unit_of_work(),
        channel_snapshot(
            account_id="3300000003",
            auto_resolve=AutoResolve(new_after_seconds=HOUR, pending_after_seconds=HOUR),
        ),
    )
    await handle_activity(
        context.unit_of_work(),
        tweet_received(tweet_id="301", customer_id="9600", account_id="3300000003", created_at=T0),
    )
    clock.at = T0 + timedelta(hours=2)
    async with engine.connect() as holder, holder.begin():
        await holder.execute(select(text(f"pg_advisory_xact_lock({SWEEP_LOCK_KEY})")))
        assert await sweep(context) == 0  # another replica is sweeping
    assert await sweep(context) == 1
