"""petitions: scans of paper sheets (a petition handed in on paper, or a bundle), kept in the database

Revision ID: b41f6c2e9a07
Revises: 5e8b3d1f7a24
Create Date: 2026-12-03 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import civic.core.db

revision: str = "b41f6c2e9a07"
down_revision: str | None = "5e8b3d1f7a24"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

String = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "petition_paper_scan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("content_type", String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", civic.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["petition_paper_batch.id"]),
        sa.ForeignKeyConstraint(["petition_id"], ["petition.id"]),
        sa.ForeignKeyConstraint(["uploaded_by"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("petition_paper_scan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_petition_paper_scan_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_petition_paper_scan_petition_id"), ["petition_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("petition_paper_scan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_petition_paper_scan_petition_id"))
        batch_op.drop_index(batch_op.f("ix_petition_paper_scan_batch_id"))
    op.drop_table("petition_paper_scan")
