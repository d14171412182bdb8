"""ward boundaries: each ward's simplified outline (GeoJSON) and its SVG path for the maps

Revision ID: 9c4e2b7a1d58
Revises: 9d4b7e2a61c3
Create Date: 2026-12-02 20:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "9c4e2b7a1d58"
down_revision: str | None = "9d4b7e2a61c3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ward_boundary",
        sa.Column("ward_code", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("geometry_json", sa.Text(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("min_x", sa.Float(), nullable=False),
        sa.Column("min_y", sa.Float(), nullable=False),
        sa.Column("max_x", sa.Float(), nullable=False),
        sa.Column("max_y", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["ward_code"], ["ward.code"]),
        sa.PrimaryKeyConstraint("ward_code"),
    )


def downgrade() -> None:
    op.drop_table("ward_boundary")
