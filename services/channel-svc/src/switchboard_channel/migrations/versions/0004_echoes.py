"""echoes, deliveries.reconcile_until

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "echoes",
        sa.Column("account_id", sa.String(length=20), nullable=False),
        sa.Column("twitter_id", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "twitter_id"),
    )
    op.create_index("ix_echoes_created_at", "echoes", ["created_at"])
    op.create_index("ix_echoes_account_kind_target", "echoes", ["account_id", "kind", "target"])
    op.create_index("ix_deliveries_twitter_id", "deliveries", ["twitter_id"])
    # Nullable and without a default: instant on a table of any size.
    op.add_column(
        "deliveries", sa.Column("reconcile_until", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("deliveries", "reconcile_until")
    op.drop_index("ix_deliveries_twitter_id", table_name="deliveries")
    op.drop_index("ix_echoes_account_kind_target", table_name="echoes")
    op.drop_index("ix_echoes_created_at", table_name="echoes")
    op.drop_table("echoes")
