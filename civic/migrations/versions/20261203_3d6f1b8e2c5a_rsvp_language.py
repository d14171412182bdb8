"""rsvp language: the language a reply to a police priorities meeting was made in, so a cancellation uses it

Revision ID: 3d6f1b8e2c5a
Revises: 3f9a1c7e5b20
Create Date: 2026-12-03 15:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "3d6f1b8e2c5a"
down_revision: str | None = "3f9a1c7e5b20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Replies made before the meeting pages were translated were made in English.
    op.add_column(
        "priorities_meeting_rsvp",
        sa.Column("lang", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False, server_default="en"),
    )


def downgrade() -> None:
    with op.batch_alter_table("priorities_meeting_rsvp") as batch:
        batch.drop_column("lang")
