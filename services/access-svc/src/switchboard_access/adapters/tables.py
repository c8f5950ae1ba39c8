"""access-svc's tables (SQLAlchemy Core). The migrations under `migrations/` create them.

Every row carries its `org_id`, and every relation between rows is a foreign key over
(`org_id`, id): the database itself refuses to link records of two organizations.
"""

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)

from switchboard_platform.db.outbox import outbox_table

metadata = MetaData()
ROLES = "role IN ('viewer', 'contributor', 'supervisor')"


def _created_at() -> Column[object]:
    return Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now())


organizations = Table(
    "organizations",
    metadata,
    Column("id", Uuid, primary_key=True),
    _created_at(),
)

users = Table(
    "users",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("org_id", Uuid, ForeignKey("organizations.id"), nullable=False),
    Column("email", String(320), nullable=False),
    Column("display_name", String(255), nullable=False),
    Column("org_role", String(10), nullable=False),
    Column("active", Boolean, nullable=False),
    _created_at(),
    UniqueConstraint("org_id", "id", name="uq_users_org_id"),
    CheckConstraint("org_role IN ('admin', 'agent')", name="ck_users_org_role"),
)

teams = Table(
    "teams",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("org_id", Uuid, ForeignKey("organizations.id"), nullable=False),
    Column("name", String(100), nullable=False),
    _created_at(),
    UniqueConstraint("org_id", "id", name="uq_teams_org_id"),
)
# Unique without regard to case: Ana@x and ana@x are one person, Support and support one team.
Index("uq_users_org_email", users.c.org_id, func.lower(users.c.email), unique=True)
Index("uq_teams_org_name", teams.c.org_id, func.lower(teams.c.name), unique=True)

# The primary key on user_id is the rule "a user is a member of at most one team".
team_members = Table(
    "team_members",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("org_id", Uuid, nullable=False),
    Column("team_id", Uuid, nullable=False, index=True),
    _created_at(),
    UniqueConstraint("team_id", "user_id", name="uq_team_members_team_user"),
    ForeignKeyConstraint(["org_id", "user_id"], ["users.org_id", "users.id"]),
    ForeignKeyConstraint(["org_id", "team_id"], ["teams.org_id", "teams.id"], ondelete="CASCADE"),
)

channels = Table(
    "channels",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("org_id", Uuid, ForeignKey("organizations.id"), nullable=False, index=True),
    Column("display_name", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("org_id", "id", name="uq_channels_org_id"),
)

user_grants = Table(
    "user_grants",
    metadata,
    Column("channel_id", Uuid, nullable=False),
    Column("user_id", Uuid, nullable=False, index=True),
    Column("org_id", Uuid, nullable=False),
    Column("role", String(20), nullable=False),
    PrimaryKeyConstraint("channel_id", "user_id"),
    ForeignKeyConstraint(["org_id", "channel_id"], ["channels.org_id", "channels.id"]),
    ForeignKeyConstraint(["org_id", "user_id"], ["users.org_id", "users.id"]),
    CheckConstraint(ROLES, name="ck_user_grants_role"),
)

team_grants = Table(
    "team_grants",
    metadata,
    Column("channel_id", Uuid, nullable=False),
    Column("team_id", Uuid, nullable=False, index=True),
    Column("org_id", Uuid, nullable=False),
    Column("role", String(20), nullable=False),
    PrimaryKeyConstraint("channel_id", "team_id"),
    ForeignKeyConstraint(["org_id", "channel_id"], ["channels.org_id", "channels.id"]),
    ForeignKeyConstraint(["org_id", "team_id"], ["teams.org_id", "teams.id"], ondelete="CASCADE"),
    CheckConstraint(ROLES, name="ck_team_grants_role"),
)

# A per-member role exists only inside its team's grant and only for a current member.
member_roles = Table(
    "member_roles",
    metadata,
    Column("channel_id", Uuid, nullable=False),
    Column("user_id", Uuid, nullable=False, index=True),
    Column("team_id", Uuid, nullable=False),
    Column("org_id", Uuid, nullable=False),
    Column("role", String(20), nullable=False),
    PrimaryKeyConstraint("channel_id", "user_id"),
    ForeignKeyConstraint(
        ["channel_id", "team_id"],
        ["team_grants.channel_id", "team_grants.team_id"],
        ondelete="CASCADE",
    ),
    ForeignKeyConstraint(
        ["team_id", "user_id"],
        ["team_members.team_id", "team_members.user_id"],
        ondelete="CASCADE",
    ),
    CheckConstraint(ROLES, name="ck_member_roles_role"),
)

# The All Users / All Teams toggles of a channel, each with its role.
org_grants = Table(
    "org_grants",
    metadata,
    Column("channel_id", Uuid, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("org_id", Uuid, nullable=False),
    Column("role", String(20), nullable=False),
    PrimaryKeyConstraint("channel_id", "kind"),
    ForeignKeyConstraint(["org_id", "channel_id"], ["channels.org_id", "channels.id"]),
    CheckConstraint("kind IN ('all_users', 'all_teams')", name="ck_org_grants_kind"),
    CheckConstraint(ROLES, name="ck_org_grants_role"),
)

outbox = outbox_table(metadata)
