"""channel-svc's tables (SQLAlchemy Core). The migrations under `migrations/` create them.

Secrets are only ever stored encrypted (`*_encrypted`, Fernet tokens).
"""

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)

from switchboard_platform.db.idempotency import processed_events_table
from switchboard_platform.db.outbox import outbox_table

metadata = MetaData()

channels = Table(
    "channels",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("org_id", Uuid, nullable=False),
    Column("twitter_account_id", String(20), nullable=False, index=True),
    Column("handle", String(50), nullable=False),
    Column("name", Text, nullable=False),
    Column("display_name", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("auto_ownership", Boolean, nullable=False),
    Column("auto_resolve_enabled", Boolean, nullable=False),
    Column("auto_resolve_new_seconds", Integer, nullable=False),
    Column("auto_resolve_pending_seconds", Integer, nullable=False),
    Column("credentials_encrypted", LargeBinary),  # null once disconnected
    Column("webhook_subscribed", Boolean, nullable=False, server_default="false"),
    Column("revision", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("org_id", "twitter_account_id", name="uq_channel_org_account"),
)

# The connect flow's state between "start" and Twitter's callback: single use, expiring.
oauth_states = Table(
    "oauth_states",
    metadata,
    Column("state", String(64), primary_key=True),
    Column("org_id", Uuid, nullable=False),
    Column("user_id", Uuid, nullable=False),
    Column("channel_id", Uuid),  # set when re-authorizing a known channel
    Column("request_token", Text, nullable=False, unique=True),
    Column("request_token_secret_encrypted", LargeBinary, nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("message_id", Uuid, primary_key=True),
    Column("org_id", Uuid, nullable=False),
    Column("channel_id", Uuid, nullable=False),
    Column("conversation_id", Uuid, nullable=False),
    Column("state", String(20), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("not_before", DateTime(timezone=True)),
    Column("sending_since", DateTime(timezone=True)),
    # Set when an interrupted send is first reconciled and its echo is not there yet: it
    # is looked for again, without sending, until then.
    Column("reconcile_until", DateTime(timezone=True)),
    Column("twitter_id", String(20), index=True, unique=True),  # one tweet, one delivery
    Column("reason", String(40)),
    Column("detail", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Account Activity subscriptions to remove: a disconnect records the intent in its own
# transaction; it is performed after the commit and retried until Twitter confirms.
webhook_unsubscriptions = Table(
    "webhook_unsubscriptions",
    metadata,
    Column("twitter_account_id", String(20), primary_key=True),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("not_before", DateTime(timezone=True), nullable=False),
    Column("last_error", Text),
)

# The account's own tweets (replies) and DMs as the webhook echoed them, kept for
# `SB_CHANNEL_ECHO_RETENTION_SECONDS`: what an interrupted send is reconciled against.
echoes = Table(
    "echoes",
    metadata,
    Column("account_id", String(20), primary_key=True),
    Column("twitter_id", String(20), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("target", String(20), nullable=False),  # replied-to tweet id / DM recipient id
    Column("text", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Index("ix_echoes_account_kind_target", "account_id", "kind", "target"),
)

outbox = outbox_table(metadata)
processed_events = processed_events_table(metadata)

# Every column holding ciphertext (a Fernet token), with its table's key: what the
# re-encryption job (`reencrypt`) rotates. A new encrypted column belongs here.
ENCRYPTED_COLUMNS: tuple[tuple[Column[Any], Column[Any]], ...] = (
    (channels.c.id, channels.c.credentials_encrypted),
    (oauth_states.c.state, oauth_states.c.request_token_secret_encrypted),
)
# By "<table>.<column>": how the re-encryption job names them, knowing no SQL.
ENCRYPTED_BY_NAME: dict[str, tuple[Column[Any], Column[Any]]] = {
    f"{column.table}.{column.name}": (key, column) for key, column in ENCRYPTED_COLUMNS
}
ENCRYPTED_COLUMN_NAMES: tuple[str, ...] = tuple(ENCRYPTED_BY_NAME)
