"""conversation-svc's tables (SQLAlchemy Core). The migrations under `migrations/` create them."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    false,
    func,
    text,
    true,
)

# PostgreSQL's ARRAY: its `contains` (@>) is what the queue filters by tag and topic use.
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from switchboard_contracts.events.channels import DEFAULT_AUTO_RESOLVE_SECONDS as THIRTY_DAYS
from switchboard_platform.db.idempotency import processed_events_table
from switchboard_platform.db.outbox import outbox_table

metadata = MetaData()

channels = Table(
    "channels",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("org_id", Uuid, nullable=False),
    Column("twitter_account_id", String(20), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("auto_ownership", Boolean, nullable=False),
    Column("snapshot", JSONB, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("display_name", Text, nullable=False, server_default=""),
    Column("auto_resolve_enabled", Boolean, nullable=False, server_default=true()),
    Column("new_after_seconds", Integer, nullable=False, server_default=str(THIRTY_DAYS)),
    Column("pending_after_seconds", Integer, nullable=False, server_default=str(THIRTY_DAYS)),
)

conversations = Table(
    "conversations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("org_id", Uuid, nullable=False),
    Column("channel_id", Uuid, nullable=False),
    Column("customer_id", String(20), nullable=False),
    Column("customer_screen_name", Text),
    Column("customer_name", Text),
    Column("status", String(20), nullable=False),
    Column("owner_id", Uuid),
    Column("tags", ARRAY(Text), nullable=False),
    Column("topic_ids", ARRAY(Uuid), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_activity_at", DateTime(timezone=True), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True)),
    Column("last_customer_kind", String(20)),
    Column("last_customer_tweet_id", String(20)),
    UniqueConstraint("channel_id", "customer_id", name="uq_conversation_channel_customer"),
    Index("ix_conversations_queue", "org_id", "channel_id", "status", "last_activity_at"),
    Index("ix_conversations_owner", "org_id", "owner_id"),
    # The auto-resolve sweep reads open conversations by age.
    Index(
        "ix_conversations_open_by_activity",
        "last_activity_at",
        postgresql_where=text("status IN ('new', 'pending')"),
    ),
)

messages = Table(
    "messages",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("conversation_id", Uuid, ForeignKey("conversations.id"), nullable=False),
    Column("direction", String(10), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("twitter_id", String(20)),
    Column("text", Text, nullable=False),
    Column("author_customer_id", String(20)),
    Column("author_user_id", Uuid),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("delivery_state", String(20)),
    Column("in_reply_to_tweet_id", String(20)),
    Column("failure_reason", Text),
    Column("deleted", Boolean, nullable=False, server_default=false()),
    UniqueConstraint("conversation_id", "twitter_id", name="uq_message_twitter_id"),
    Index("ix_messages_conversation", "conversation_id", "created_at"),
)

# The account's echoes that may be a reply still awaiting its result (domain/messages.py,
# `echo_awaits_result`): kept unseen, as received, until the results say what they are, or
# for at most a time limit (`EchoHold`; the sweep reads them by `held_at`).
held_echoes = Table(
    "held_echoes",
    metadata,
    Column("conversation_id", Uuid, ForeignKey("conversations.id"), primary_key=True),
    Column("twitter_id", String(20), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("value", Text, nullable=False),
    Column("held_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_held_echoes_held_at", "held_at"),
)

# Every change of every conversation, as published (the history shown and the reports' source).
history = Table(
    "conversation_history",
    metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("conversation_id", Uuid, ForeignKey("conversations.id"), nullable=False),
    Column("org_id", Uuid, nullable=False),
    Column("channel_id", Uuid, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("type", String(100), nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("actor_kind", String(20), nullable=False),
    Column("actor_id", String(100), nullable=False),
    Column("reason", String(40)),
    Column("from_status", String(20)),
    Column("to_status", String(20)),
    Column("detail", JSONB, nullable=False),
    UniqueConstraint("conversation_id", "revision", name="uq_history_revision"),
    Index("ix_history_channel_time", "channel_id", "occurred_at"),
)

notes = Table(
    "notes",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("conversation_id", Uuid, ForeignKey("conversations.id"), nullable=False, index=True),
    Column("author_user_id", Uuid, nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("removed_at", DateTime(timezone=True)),
)

# The organization's list of topics, kept by its admins.
topics = Table(
    "topics",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("org_id", Uuid, nullable=False),
    Column("name", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("org_id", "name", name="uq_topic_name"),
)

# Activity for a Twitter account no channel is known for yet (channels.v1 and
# twitter.activity.v1 are separate topics, so it can come first): replayed on connect.
unrouted_activity = Table(
    "unrouted_activity",
    metadata,
    Column("event_id", Uuid, primary_key=True),
    Column("twitter_account_id", String(20), nullable=False, index=True),
    Column("value", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)

outbox = outbox_table(metadata)
processed_events = processed_events_table(metadata)
