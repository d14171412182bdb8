"""outbox: when a message was last tried, and when staff requeued it (its retry window starts again)

Revision ID: 5e1f0a7c3b21
Revises: 5b9e31c07d42
Create Date: 2026-12-02 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import civic.core.db

revision: str = "5e1f0a7c3b21"
down_revision: str | None = "5b9e31c07d42"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("last_attempt_at", civic.core.db.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("requeued_at", civic.core.db.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("requeued_at")
        batch.drop_column("last_attempt_at")
