"""priorities: rounds may open voting by themselves at their opening time

Revision ID: 3c7d2a91e4f0
Revises: c4d8e2a17f30
Create Date: 2026-11-29 18:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3c7d2a91e4f0"
down_revision: str | None = "c4d8e2a17f30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("priorities_round", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("opens_automatically", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("priorities_round", schema=None) as batch_op:
        batch_op.drop_column("opens_automatically")
