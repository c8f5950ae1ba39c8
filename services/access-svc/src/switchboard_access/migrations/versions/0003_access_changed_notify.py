"""access_changed notifications

Revision ID: 0003
Revises: 0002

Every table the check reads tells listeners which organization changed, with the commit
(`NOTIFY access_changed, '<org id>'`; PostgreSQL sends one per organization and
transaction however many rows changed, and none for a transaction rolled back). The check's
cache (adapters/change_cache.py) drops that organization's answers when it arrives. A
trigger, not the application, so that no write path, present or future (a migration, an
operator's SQL), can change access unseen.
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = (
    "users",
    "teams",
    "team_members",
    "channels",
    "user_grants",
    "team_grants",
    "member_roles",
    "org_grants",
)


def upgrade() -> None:
    op.execute(
        """
        CREATE FUNCTION notify_access_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                PERFORM pg_notify('access_changed', OLD.org_id::text);
            ELSE
                PERFORM pg_notify('access_changed', NEW.org_id::text);
                IF TG_OP = 'UPDATE' AND NEW.org_id IS DISTINCT FROM OLD.org_id THEN
                    PERFORM pg_notify('access_changed', OLD.org_id::text);
                END IF;
            END IF;
            RETURN NULL;
        END
        $$
        """
    )
    # A TRUNCATE fires no row trigger: it says "anything" (not an organization's id).
    op.execute(
        """
        CREATE FUNCTION notify_access_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('access_changed', '*');
            RETURN NULL;
        END
        $$
        """
    )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_access_changed AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION notify_access_changed()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_access_truncated AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION notify_access_truncated()"
        )


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"DROP TRIGGER {table}_access_truncated ON {table}")
        op.execute(f"DROP TRIGGER {table}_access_changed ON {table}")
    op.execute("DROP FUNCTION notify_access_truncated()")
    op.execute("DROP FUNCTION notify_access_changed()")
