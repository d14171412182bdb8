"""priorities meetings: advertised meetings (venue, access, online link, agenda), notes, and replies

Revision ID: 450e2b9bad90
Revises: 809c3ea26dd3
Create Date: 2026-12-03 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import civic.core.db

revision: str = "450e2b9bad90"
down_revision: str | None = "809c3ea26dd3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT_COLUMNS = (("address", 300), ("access", 200), ("access_notes", 600), ("online_url", 500))


def upgrade() -> None:
    with op.batch_alter_table("priorities_meeting") as batch:
        batch.add_column(sa.Column("ends_at", civic.core.db.UTCDateTime(), nullable=True))
        for name, length in TEXT_COLUMNS:
            column = sa.Column(
                name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=False, server_default=""
            )
            batch.add_column(column)
        batch.add_column(sa.Column("agenda", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("advertised_at", civic.core.db.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("cancelled_at", civic.core.db.UTCDateTime(), nullable=True))
        batch.add_column(
            sa.Column(
                "cancel_reason",
                sqlmodel.sql.sqltypes.AutoString(length=600),
                nullable=False,
                server_default="",
            )
        )
        batch.add_column(sa.Column("sequence", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("notes", sa.Text(), nullable=False, server_default=""))
        # An advertised meeting has no tally yet.
        batch.alter_column("recorded_at", existing_type=civic.core.db.UTCDateTime(), nullable=True)
    op.create_table(
        "priorities_meeting_rsvp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
        sa.Column("party", sa.Integer(), nullable=False),
        sa.Column("created_at", civic.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["priorities_meeting.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_priorities_meeting_rsvp_meeting_id", "priorities_meeting_rsvp", ["meeting_id"])


def downgrade() -> None:
    op.drop_index("ix_priorities_meeting_rsvp_meeting_id", table_name="priorities_meeting_rsvp")
    op.drop_table("priorities_meeting_rsvp")
    op.execute("DELETE FROM priorities_meeting_count WHERE meeting_id IN "
               "(SELECT id FROM priorities_meeting WHERE recorded_at IS NULL)")  # fmt: skip
    op.execute("DELETE FROM priorities_meeting WHERE recorded_at IS NULL")
    with op.batch_alter_table("priorities_meeting") as batch:
        batch.alter_column("recorded_at", existing_type=civic.core.db.UTCDateTime(), nullable=False)
        for name in ("notes", "sequence", "cancel_reason", "cancelled_at", "advertised_at", "agenda"):
            batch.drop_column(name)
        for name, _ in reversed(TEXT_COLUMNS):
            batch.drop_column(name)
        batch.drop_column("ends_at")
