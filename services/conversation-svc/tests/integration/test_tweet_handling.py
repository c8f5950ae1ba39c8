"""conversation-svc's handlers against real PostgreSQL (migrated with its own migrations)."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from switchboard_contracts.enums import ActorKind, ChannelStatus
from switchboard_contracts.envelope import Actor, Subject
from switchboard_contracts.events.channels import (
    ChannelSnapshot,
)
from switchboard_contracts.events.twitter import TweetReceived, TweetReceivedPayload, TwitterUser
from switchboard_contracts.topics import TWITTER_ACTIVITY
from switchboard_conversation import __main__ as cli
from switchboard_conversation.adapters import tables
from switchboard_conversation.adapters.unit_of_work import UnitOfWork
from switchboard_conversation.domain.channel import ChannelView
from switchboard_conversation.service_layer.channels import handle_channel_snapshot
from switchboard_conversation.service_layer.twitter_activity import (
    apply_activity,
    handle_activity,
    prepare_batch,
)
from switchboard_platform.db.engine import create_engine, session_factory
from switchboard_platform.db.migrations import upgrade
from switchboard_testing import databases
from switchboard_testing.builders import channel_snapshot

pytestmark = pytest.mark.integration
ACCOUNT = "2975699229"
ORG = uuid.uuid4()
CHANNEL = uuid.UUID(int=7)


@pytest.fixture
async def engine(fresh_database_url: str) -> AsyncIterator[AsyncEngine]:
    upgrade(Path(cli.__file__).parent / "migrations", fresh_database_url)
    engine = create_engine(fresh_database_url)
    yield engine
    await engine.dispose()


def tweet(
    tweet_id: str = "1207623566339919872",
    customer: str = "1205290247124217856",
    text: str = "@ScruffyMcG help",
) -> TweetReceived:
    return TweetReceived(
        event_id=uuid.uuid5(uuid.NAMESPACE_URL, tweet_id),
        occurred_at=datetime.now(UTC),
        org_id=None,
        producer="test",
        actor=Actor(kind=ActorKind.TWITTER_ACCOUNT, id=customer),
        correlation_id=uuid.uuid4(),
        subject=Subject(twitter_account_id=ACCOUNT),
        payload=TweetReceivedPayload(
            account_id=ACCOUNT,
            tweet_id=tweet_id,
            author=TwitterUser(id=customer, screen_name="pennbrooke1"),
            customer_id=customer,
            text=text,
            created_at=datetime(2019, 12, 19, 11, 27, 49, tzinfo=UTC),
            relation="mention",
            from_account=False,
        ),
    )


def channel(
    revision: int = 1,
    status: ChannelStatus = ChannelStatus.CONNECTED,
    channel_id: uuid.UUID = CHANNEL,
    org_id: uuid.UUID = ORG,
) -> ChannelSnapshot:
    return channel_snapshot(
        org_id=org_id,
        channel_id=channel_id,
        account_id=ACCOUNT,
        status=status,
        revision=revision,
        auto_ownership=False,
    )


async def count(engine: AsyncEngine, table: object) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(table)) or 0)  # type: ignore[arg-type]


async def test_customer_tweet_creates_a_conversation_in_new(engine: AsyncEngine) -> None:
    uow = UnitOfWork(session_factory(engine))
    await handle_channel_snapshot(uow, channel())
    await handle_activity(uow, tweet())
    async with engine.connect() as connection:
        row = (await connection.execute(select(tables.conversations))).one()
        assert (row.status, row.customer_id, row.org_id) == ("new", "1205290247124217856", ORG)
        outbox = (
            await connection.execute(
                select(tables.outbox.c.event_type, tables.outbox.c.key).order_by(tables.outbox.c.id)
            )
        ).all()
    assert [r.event_type for r in outbox] == ["conversation.created", "conversation.message_added"]
    assert {r.key for r in outbox} == {str(row.id)}


async def test_redelivered_tweet_has_one_effect(engine: AsyncEngine) -> None:
    uow = UnitOfWork(session_factory(engine))
    await handle_channel_snapshot(uow, channel())
    await handle_activity(uow, tweet())
    await handle_activity(uow, tweet())
    assert await count(engine, tables.messages) == 1
    assert await count(engine, tables.outbox) == 2


async def test_tweet_before_its_channel_is_parked_then_replayed(engine: AsyncEngine) -> None:
    uow = UnitOfWork(session_factory(engine))
    await handle_activity(uow, tweet())
    assert await count(engine, tables.conversations) == 0
    assert await count(engine, tables.unrouted_activity) == 1
    await handle_channel_snapshot(uow, channel())
    assert await count(engine, tables.conversations) == 1
    assert await count(engine, tables.unrouted_activity) == 0


class PausingUnitOfWork(UnitOfWork):
    """Stops a message's transaction right after it read the account's channels (none yet),
    until the test lets it go on: the moment a channel's arrival can slip in between."""

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(session_factory(engine))
        self.read = asyncio.Event()
        self.go_on = asyncio.Event()

    async def first_delivery_to_account(
        self, consumer: str, event_id: uuid.UUID, account_id: str
    ) -> tuple[bool, list[ChannelView]]:
        result = await super().first_delivery_to_account(consumer, event_id, account_id)
        self.read.set()
        await self.go_on.wait()
        return result


async def test_a_tweet_racing_its_channels_arrival_is_stored_not_stranded(
    engine: AsyncEngine,
) -> None:
    # The message's transaction saw no channel; the channel commits (replaying what was
    # parked: nothing yet); then the message would park itself where nothing replays it.
    message = PausingUnitOfWork(engine)
    handling = asyncio.create_task(handle_activity(message, tweet()))
    await asyncio.wait_for(message.read.wait(), 10)
    await asyncio.wait_for(
        handle_channel_snapshot(UnitOfWork(session_factory(engine)), channel()), 10
    )
    message.go_on.set()
    await asyncio.wait_for(handling, 10)
    assert await count(engine, tables.unrouted_activity) == 0
    assert await count(engine, tables.conversations) == 1


async def test_a_nul_in_a_customers_text_is_stored_as_a_replacement_character(
    engine: AsyncEngine,
) -> None:
    # Twitter's JSON may carry \u0000, which PostgreSQL text cannot: the message must not be
    # lost to it (nor its event dead-lettered), so the contract reads it as U+FFFD.
    uow = UnitOfWork(session_factory(engine))
    await handle_channel_snapshot(uow, channel())
    raw = tweet(text="help").model_dump_json().replace('"help"', '"he\\u0000lp"')
    await handle_activity(uow, TWITTER_ACTIVITY.parse(raw))
    async with engine.connect() as connection:
        stored = await connection.scalar(select(tables.messages.c.text))
    assert stored == "he\ufffdlp"


async def test_older_channel_snapshot_is_ignored(engine: AsyncEngine) -> None:
    uow = UnitOfWork(session_factory(engine))
    await handle_channel_snapshot(uow, channel(revision=2, status=ChannelStatus.DISCONNECTED))
    await handle_channel_snapshot(uow, channel(revision=1, status=ChannelStatus.CONNECTED))
    await handle_activity(uow, tweet())
    assert await count(engine, tables.conversations) == 0  # still disconnected


async def test_one_account_in_two_organizations_gets_two_conversations(
    engine: AsyncEngine,
) -> None:
    uow = UnitOfWork(session_factory(engine))
    await handle_channel_snapshot(uow, channel(channel_id=uuid.UUID(int=7)))
    await handle_channel_snapshot(uow, channel(channel_id=uuid.UUID(int=8), org_id=uuid.uuid4()))
    await handle_activity(uow, tweet())
    assert await count(engine, tables.conversations) == 2
    async with engine.connect() as connection:
        orgs = (await connection.execute(select(tables.conversations.c.org_id))).scalars().all()
    assert len(set(orgs)) == 2


def _batch() -> list[TweetReceived]:
    """One fetched batch: two tweets of one customer (the second sees the conversation the
    first started), another customer, and a redelivery with a new event id."""
    redelivered = tweet("301", "11").model_copy(update={"event_id": uuid.uuid4()})
    again = tweet("303", "12")  # the very same event twice in one fetch
    return [tweet("301", "11"), tweet("302", "11"), tweet("303", "12"), redelivered, again]


async def _outcome(engine: AsyncEngine) -> tuple[object, ...]:
    c, h, o = tables.conversations, tables.history, tables.outbox
    async with engine.connect() as connection:
        revisions = (
            await connection.execute(
                select(c.c.customer_id, c.c.revision).order_by(c.c.customer_id)
            )
        ).all()
        history = (
            await connection.execute(
                select(h.c.type, h.c.revision).order_by(h.c.conversation_id, h.c.revision)
            )
        ).all()
        events = (await connection.execute(select(o.c.event_type).order_by(o.c.id))).scalars()
        return (
            [tuple(r) for r in revisions],
            sorted(tuple(r) for r in history),
            sorted(events.all()),
            await count(engine, tables.messages),
        )


@pytest.mark.parametrize("prepared", [False, True], ids=["deferred", "deferred-and-prepared"])
async def test_a_batch_with_deferred_writes_stores_what_one_at_a_time_does(
    engine: AsyncEngine, database_server_url: str, *, prepared: bool
) -> None:
    """The inbound consumer's batch writes everything at its commit (`defer_writes`), and
    reads what its messages need up front (`prepare_batch`); the stored rows and events
    are those of handling the messages one at a time."""
    uow = UnitOfWork(session_factory(engine))
    await handle_channel_snapshot(uow, channel())
    async with UnitOfWork(session_factory(engine)) as batch:
        batch.defer_writes()
        events = _batch()
        if prepared:
            await prepare_batch(batch, events)
        for event in events:
            await apply_activity(batch, event)
    batched = await _outcome(engine)

    url = databases.create_database(database_server_url)
    try:
        upgrade(Path(cli.__file__).parent / "migrations", url)
        alone = create_engine(url)
        await handle_channel_snapshot(UnitOfWork(session_factory(alone)), channel())
        for event in _batch():
            await handle_activity(UnitOfWork(session_factory(alone)), event)
        one_at_a_time = await _outcome(alone)
        await alone.dispose()
    finally:
        databases.drop_database(database_server_url, url)
    assert batched == one_at_a_time
    assert batched[0] == [("11", 3), ("12", 2)]
    assert batched[3] == 3  # messages


async def test_a_failing_batch_writes_nothing(engine: AsyncEngine) -> None:
    await handle_channel_snapshot(UnitOfWork(session_factory(engine)), channel())

    async def failing_batch() -> None:
        async with UnitOfWork(session_factory(engine)) as batch:
            batch.defer_writes()
            await apply_activity(batch, tweet("401", "21"))
            raise ValueError("no such thing")

    with pytest.raises(ValueError, match="no such thing"):
        await failing_batch()
    assert await count(engine, tables.conversations) == 0
    assert await count(engine, tables.processed_events) == 0


async def test_a_prepared_batch_costs_the_same_few_statements_whatever_its_size(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch's reads up front (processed-event records, the accounts' channels, the
    conversations locked with what they hold) and its deferred writes (conversations,
    messages, history and outbox COPYs, the NOTIFY): eight statements for twenty tweets,
    as for two."""
    await handle_channel_snapshot(UnitOfWork(session_factory(engine)), channel())
    counted = []
    for size, first in ((2, 500), (20, 600)):
        events = [tweet(str(first + n), str(first + n)) for n in range(size)]
        with statements_of(engine, monkeypatch) as statements:
            async with UnitOfWork(session_factory(engine)) as batch:
                batch.defer_writes()
                await prepare_batch(batch, events)
                for event in events:
                    await apply_activity(batch, event)
        counted.append(len(statements))
    assert await count(engine, tables.messages) == 22
    assert counted == [8, 8], counted


async def test_an_inbound_tweet_costs_seven_statements(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The figure the README gives: the processed-event record with the account's channels,
    the locked conversation with "is this Twitter id stored", the conversation, its
    message, its history rows and its outbox rows (a COPY each), the outbox NOTIFY."""
    await handle_channel_snapshot(UnitOfWork(session_factory(engine)), channel())
    with statements_of(engine, monkeypatch) as statements:
        await handle_activity(UnitOfWork(session_factory(engine)), tweet())
    assert await count(engine, tables.messages) == 1
    assert len(statements) == 7, "\n\n".join(statements)
    assert sum(s.startswith("COPY") for s in statements) == 2, statements


@contextmanager
def statements_of(engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every statement sent while the block runs: SQLAlchemy's, and the COPYs that go to
    the driver directly (`switchboard_platform.db.copy`)."""
    statements: list[str] = []

    def executed(*args: object) -> None:
        statements.append(str(args[2]))

    copy = psycopg.AsyncCursor.copy

    def copying(self: psycopg.AsyncCursor[Any], statement: Any, *args: Any, **kwargs: Any) -> Any:
        statements.append(
            statement.as_string(self) if hasattr(statement, "as_string") else statement
        )
        return copy(self, statement, *args, **kwargs)

    monkeypatch.setattr(psycopg.AsyncCursor, "copy", copying)
    sqlalchemy.event.listen(engine.sync_engine, "before_cursor_execute", executed)
    try:
        yield statements
    finally:
        sqlalchemy.event.remove(engine.sync_engine, "before_cursor_execute", executed)
        monkeypatch.setattr(psycopg.AsyncCursor, "copy", copy)
