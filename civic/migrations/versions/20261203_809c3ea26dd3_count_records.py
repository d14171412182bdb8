"""count records: the published ballots, result and digests of each count, for anyone to recount

Revision ID: 809c3ea26dd3
Revises: 5e81c2d94a17
Create Date: 2026-12-03 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import civic.core.db

revision: str = "809c3ea26dd3"
down_revision: str | None = "5e81c2d94a17"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AutoString = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "count_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", AutoString(length=40), nullable=False),
        sa.Column("object_id", AutoString(length=80), nullable=False),
        sa.Column("title", AutoString(length=200), nullable=False),
        sa.Column("created_at", civic.core.db.UTCDateTime(), nullable=False),
        sa.Column("manifest_json", sa.Text(), nullable=False),
        sa.Column("files_json", sa.Text(), nullable=False),
        sa.Column("record_sha256", AutoString(length=64), nullable=False),
        sa.Column("audit_entry_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["audit_entry_id"], ["audit_entry.id"], name=op.f("fk_count_record_audit_entry_id_audit_entry")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_count_record")),
        sa.UniqueConstraint("kind", "object_id", name=op.f("uq_count_record_kind_object_id")),
    )


def downgrade() -> None:
    op.drop_table("count_record")
