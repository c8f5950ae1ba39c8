"""held echoes: when each was held, so the sweep releases those held too long

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Echoes held already count from now: their clock starts with this migration.
    op.add_column(
        "held_echoes",
        sa.Column(
            "held_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.create_index("ix_held_echoes_held_at", "held_echoes", ["held_at"])


def downgrade() -> None:
    op.drop_index("ix_held_echoes_held_at", table_name="held_echoes")
    op.drop_column("held_echoes", "held_at")
