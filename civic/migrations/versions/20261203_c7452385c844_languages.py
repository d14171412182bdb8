"""languages: the language a signature, idea, vote, follow or subscription was made in, so later emails use it

Revision ID: c7452385c844
Revises: b41f6c2e9a07
Create Date: 2026-12-03 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "c7452385c844"
down_revision: str | None = "b41f6c2e9a07"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Signatures made before languages were offered were made in English.
    op.add_column(
        "petition_signature",
        sa.Column("lang", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False, server_default="en"),
    )
    # Votes and contacts from before languages were offered were in English.
    for table in (
        "priorities_pending_ballot",
        "priorities_contact",
        "response_follower",
        "panel_subscription",
    ):
        op.add_column(
            table,
            sa.Column(
                "lang", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False, server_default="en"
            ),
        )
    # Ideas shared before languages were offered were shared in English.
    op.add_column(
        "budget_idea",
        sa.Column("lang", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False, server_default="en"),
    )


def downgrade() -> None:
    for table in (
        "priorities_pending_ballot",
        "priorities_contact",
        "response_follower",
        "panel_subscription",
    ):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("lang")
    with op.batch_alter_table("budget_idea") as batch:
        batch.drop_column("lang")
    with op.batch_alter_table("petition_signature") as batch:
        batch.drop_column("lang")
