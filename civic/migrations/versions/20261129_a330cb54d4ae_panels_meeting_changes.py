"""panels: meetings can move (with their history), late and withdrawn agenda items

Revision ID: a330cb54d4ae
Revises: 3c7d2a91e4f0
Create Date: 2026-11-29 19:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import civic.core.db

revision: str = "a330cb54d4ae"
down_revision: str | None = "3c7d2a91e4f0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "panel_meeting_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", civic.core.db.UTCDateTime(), nullable=False),
        sa.Column("old_starts_at", civic.core.db.UTCDateTime(), nullable=False),
        sa.Column("old_place", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("old_online_url", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("new_starts_at", civic.core.db.UTCDateTime(), nullable=False),
        sa.Column("new_place", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("new_online_url", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("agenda_published", sa.Boolean(), nullable=False),
        sa.Column("notice_clear_days", sa.Integer(), nullable=True),
        sa.Column("urgency_reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["panel_meeting.id"],
            name=op.f("fk_panel_meeting_change_meeting_id_panel_meeting"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_meeting_change")),
    )
    with op.batch_alter_table("panel_meeting_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_meeting_change_meeting_id"), ["meeting_id"], unique=False)

    with op.batch_alter_table("panel_agenda_item", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "late_reason",
                sqlmodel.sql.sqltypes.AutoString(length=1000),
                server_default="",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("withdrawn_at", civic.core.db.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "withdrawn_reason",
                sqlmodel.sql.sqltypes.AutoString(length=1000),
                server_default="",
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("panel_agenda_item", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_reason")
        batch_op.drop_column("withdrawn_at")
        batch_op.drop_column("late_reason")

    with op.batch_alter_table("panel_meeting_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_meeting_change_meeting_id"))

    op.drop_table("panel_meeting_change")
