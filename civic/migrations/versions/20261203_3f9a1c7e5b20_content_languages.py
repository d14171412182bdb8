"""content languages: versions of what people wrote in the other offered languages, and the language a
petition was written in

Revision ID: 3f9a1c7e5b20
Revises: c7452385c844
Create Date: 2026-12-03 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import civic.core.db

revision: str = "3f9a1c7e5b20"
down_revision: str | None = "c7452385c844"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "content_version",
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("field", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("lang", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", civic.core.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "item_id", "field", "lang", name=op.f("pk_content_version")),
    )
    # Petitions started before languages were offered were written in English.
    op.add_column(
        "petition",
        sa.Column("lang", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False, server_default="en"),
    )


def downgrade() -> None:
    with op.batch_alter_table("petition") as batch:
        batch.drop_column("lang")
    op.drop_table("content_version")
