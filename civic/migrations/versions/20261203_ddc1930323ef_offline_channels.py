"""priorities: paper ballots typed in twice, ballots given with a member of staff, counts by channel;
petitions: petitions handed in on paper (the date received, who recorded them)

Revision ID: ddc1930323ef
Revises: 450e2b9bad90
Create Date: 2026-12-03 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import civic.core.db

revision: str = "ddc1930323ef"
down_revision: str | None = "450e2b9bad90"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

String = sqlmodel.sql.sqltypes.AutoString
COUNT_COLUMNS = (
    ("priorities_candidate", ("paper", "assisted")),
    ("priorities_round", ("paper_voters", "assisted_voters")),
)


def upgrade() -> None:
    for table, columns in COUNT_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.add_column(sa.Column(column, sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "petition_paper_origin",
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("received_on", String(length=10), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", civic.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["petition_id"], ["petition.id"]),
        sa.ForeignKeyConstraint(["recorded_by"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("petition_id"),
    )
    op.create_table(
        "priorities_paper_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("label", String(length=120), nullable=False),
        sa.Column("sheets", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", civic.core.db.UTCDateTime(), nullable=False),
        sa.Column("counted_at", civic.core.db.UTCDateTime(), nullable=True),
        sa.Column("counted", sa.Integer(), nullable=False),
        sa.Column("spoilt", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["priorities_round.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_priorities_paper_batch_round_id", "priorities_paper_batch", ["round_id"])
    op.create_table(
        "priorities_paper_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("pass_no", sa.Integer(), nullable=False),
        sa.Column("sheet", sa.Integer(), nullable=False),
        sa.Column("text", String(length=200), nullable=False),
        sa.Column("entered_by", sa.Integer(), nullable=False),
        sa.Column("entered_at", civic.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["priorities_paper_batch.id"]),
        sa.ForeignKeyConstraint(["entered_by"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("batch_id", "pass_no", "sheet"),
    )
    op.create_index("ix_priorities_paper_entry_batch_id", "priorities_paper_entry", ["batch_id"])
    op.create_table(
        "priorities_offline_ballot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=24), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("sheet", sa.Integer(), nullable=False),
        sa.Column("ward_code", String(length=12), nullable=False),
        sa.Column("works_here", sa.Boolean(), nullable=False),
        sa.Column("choices_json", String(length=200), nullable=False),
        sa.Column("person_hash", String(length=64), nullable=True),
        sa.Column("reference", String(length=16), nullable=False),
        sa.Column("entered_by", sa.Integer(), nullable=False),
        sa.Column("created_at", civic.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["priorities_round.id"]),
        sa.ForeignKeyConstraint(["batch_id"], ["priorities_paper_batch.id"]),
        sa.ForeignKeyConstraint(["entered_by"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "person_hash"),
    )
    op.create_index("ix_priorities_offline_ballot_round_id", "priorities_offline_ballot", ["round_id"])
    op.create_index("ix_priorities_offline_ballot_batch_id", "priorities_offline_ballot", ["batch_id"])
    op.create_index("ix_priorities_offline_ballot_entered_by", "priorities_offline_ballot", ["entered_by"])


def downgrade() -> None:
    op.drop_table("petition_paper_origin")
    op.drop_table("priorities_offline_ballot")
    op.drop_table("priorities_paper_entry")
    op.drop_table("priorities_paper_batch")
    for table, columns in COUNT_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.drop_column(column)
