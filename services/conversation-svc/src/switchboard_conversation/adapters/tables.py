"""conversation-svc's tables (SQLAlchemy Core). The migrations under `migrations/` create them."""

from sqlalchemy import (
    ARRAY,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB

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
    UniqueConstraint("channel_id", "customer_id", name="uq_conversation_channel_customer"),
    Index("ix_conversations_queue", "org_id", "channel_id", "status", "last_activity_at"),
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
    UniqueConstraint("conversation_id", "twitter_id", name="uq_message_twitter_id"),
    Index("ix_messages_conversation", "conversation_id", "created_at"),
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
