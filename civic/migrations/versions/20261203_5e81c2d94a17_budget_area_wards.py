"""budget area wards: the wards a youth budget area covers, for the turnout map

Revision ID: 5e81c2d94a17
Revises: 9c4e2b7a1d58
Create Date: 2026-12-03 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "5e81c2d94a17"
down_revision: str | None = "9c4e2b7a1d58"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "budget_area_ward",
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("ward_code", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["budget_area.id"]),
        sa.ForeignKeyConstraint(["ward_code"], ["ward.code"]),
        sa.PrimaryKeyConstraint("area_id", "ward_code"),
    )


def downgrade() -> None:
    op.drop_table("budget_area_ward")
