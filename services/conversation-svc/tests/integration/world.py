"""One organization's channel with an agent, driven through the handlers against real
PostgreSQL (no broker): what the consumer-level integration tests share."""

import uuid
from functools import partial
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from switchboard_contracts.enums import ChannelRole
from switchboard_conversation.adapters import tables
from switchboard_conversation.adapters.unit_of_work import UnitOfWork
from switchboard_conversation.service_layer.channels import handle_channel_snapshot
from switchboard_conversation.service_layer.context import Caller, ConversationContext
from switchboard_conversation.service_layer.replies import Reply, reply
from switchboard_conversation.service_layer.twitter_activity import handle_activity
from switchboard_platform.auth.claims import Principal, TokenKind
from switchboard_platform.db.engine import session_factory
from switchboard_testing.builders import channel_snapshot, tweet_received

from .support import FakeAccess, MovableClock

ACCOUNT = "2975699229"
CUSTOMER = "1205290247124217856"


class World:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.org = uuid.uuid4()
        self.channel = uuid.uuid4()
        self.agent = uuid.uuid4()
        self.access = FakeAccess()
        self.access.roles[(self.agent, self.channel)] = ChannelRole.CONTRIBUTOR
        self.clock = MovableClock()
        self.context = ConversationContext(
            unit_of_work=partial(UnitOfWork, session_factory(engine)),
            access=self.access,
            clock=self.clock,
        )
        principal = Principal(
            org_id=self.org, subject=str(self.agent), kind=TokenKind.USER, org_role=None
        )
        self.caller = Caller(principal, "token")

    def uow(self) -> UnitOfWork:
        return self.context.unit_of_work()

    async def connect(self, *, auto_ownership: bool = True) -> None:
        snapshot = channel_snapshot(
            org_id=self.org,
            channel_id=self.channel,
            account_id=ACCOUNT,
            auto_ownership=auto_ownership,
        )
        await handle_channel_snapshot(self.uow(), snapshot)

    async def count(self, table: Any, *where: Any) -> int:
        async with self.engine.connect() as connection:
            statement = select(func.count()).select_from(table).where(*where)
            return int(await connection.scalar(statement) or 0)

    async def conversation(self) -> Any:
        async with self.engine.connect() as connection:
            return (await connection.execute(select(tables.conversations))).one()

    async def conversation_of(self, customer: str) -> uuid.UUID:
        """The id of the conversation with `customer`."""
        c = tables.conversations.c
        async with self.engine.connect() as connection:
            found = await connection.scalar(select(c.id).where(c.customer_id == customer))
        return uuid.UUID(str(found))

    async def message(self, message_id: uuid.UUID) -> Any:
        async with self.engine.connect() as connection:
            m = tables.messages.c
            return (
                await connection.execute(select(tables.messages).where(m.id == message_id))
            ).one()


def own_tweet(tweet_id: str, text: str, customer: str = CUSTOMER) -> Any:
    """The account's own tweet to the customer, as its echo arrives."""
    return tweet_received(
        tweet_id=tweet_id, customer_id=customer, account_id=ACCOUNT, text=text, from_account=True
    )


async def twice(handler: Any, *args: Any) -> None:
    await handler(*args)
    await handler(*args)


async def started_with_reply(
    world: World, customer: str = CUSTOMER, tweet_id: str = "101"
) -> tuple[uuid.UUID, uuid.UUID]:
    """The customer tweets, the agent replies: (conversation id, the reply's message id)."""
    await handle_activity(
        world.uow(), tweet_received(tweet_id=tweet_id, customer_id=customer, account_id=ACCOUNT)
    )
    conversation_id = await world.conversation_of(customer)
    _, message = await reply(world.context, world.caller, conversation_id, Reply(text="On it"))
    return conversation_id, message.id
