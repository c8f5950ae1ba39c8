"""deliveries.twitter_id unique: one tweet or DM is one delivery's

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Two interrupted deliveries reconciled at once could otherwise both take one echo.
    op.drop_index("ix_deliveries_twitter_id", table_name="deliveries")
    op.create_index("ix_deliveries_twitter_id", "deliveries", ["twitter_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_deliveries_twitter_id", table_name="deliveries")
    op.create_index("ix_deliveries_twitter_id", "deliveries", ["twitter_id"])
