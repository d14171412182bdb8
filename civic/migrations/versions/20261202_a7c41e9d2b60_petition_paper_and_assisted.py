"""petitions: paper sheets typed in twice, and signatures from paper or given with a member of staff

Revision ID: a7c41e9d2b60
Revises: 5e1f0a7c3b21
Create Date: 2026-12-02 21:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import civic.core.db

revision: str = "a7c41e9d2b60"
down_revision: str | None = "5e1f0a7c3b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "petition_paper_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("sheets", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("received_on", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", civic.core.db.UTCDateTime(), nullable=False),
        sa.Column("counted_at", civic.core.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["petition_id"], ["petition.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_petition_paper_batch_petition_id", "petition_paper_batch", ["petition_id"])
    op.create_table(
        "petition_paper_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("pass_no", sa.Integer(), nullable=False),
        sa.Column("sheet", sa.Integer(), nullable=False),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.Column("entered_by", sa.Integer(), nullable=False),
        sa.Column("entered_at", civic.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["petition_paper_batch.id"]),
        sa.ForeignKeyConstraint(["entered_by"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("batch_id", "pass_no", "sheet"),
    )
    op.create_index("ix_petition_paper_entry_batch_id", "petition_paper_entry", ["batch_id"])
    op.create_table(
        "petition_offline_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=24), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("sheet", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("name_key", sa.String(length=120), nullable=False),
        sa.Column("postcode", sa.String(length=8), nullable=False),
        sa.Column("ward_code", sa.String(length=12), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=False),
        sa.Column("match_note", sa.String(length=200), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("entered_by", sa.Integer(), nullable=False),
        sa.Column("created_at", civic.core.db.UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", civic.core.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["petition_id"], ["petition.id"]),
        sa.ForeignKeyConstraint(["batch_id"], ["petition_paper_batch.id"]),
        sa.ForeignKeyConstraint(["entered_by"], ["staff_user.id"]),
        sa.ForeignKeyConstraint(["decided_by"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_petition_offline_signature_batch_id", "petition_offline_signature", ["batch_id"])
    op.create_index("ix_petition_offline_signature_name_key", "petition_offline_signature", ["name_key"])
    op.create_index(
        "ix_petition_offline_count",
        "petition_offline_signature",
        ["petition_id", "outcome", "channel", "ward_code"],
    )


def downgrade() -> None:
    op.drop_index("ix_petition_offline_count", table_name="petition_offline_signature")
    op.drop_index("ix_petition_offline_signature_name_key", table_name="petition_offline_signature")
    op.drop_index("ix_petition_offline_signature_batch_id", table_name="petition_offline_signature")
    op.drop_table("petition_offline_signature")
    op.drop_index("ix_petition_paper_entry_batch_id", table_name="petition_paper_entry")
    op.drop_table("petition_paper_entry")
    op.drop_index("ix_petition_paper_batch_petition_id", table_name="petition_paper_batch")
    op.drop_table("petition_paper_batch")
