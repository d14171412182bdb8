"""responses: commitments (a published answer that promises an action) and their public updates

Revision ID: a3c71e9d5b40
Revises: a7c41e9d2b60
Create Date: 2026-12-02 21:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import civic.core.db

revision: str = "a3c71e9d5b40"
down_revision: str | None = "a7c41e9d2b60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = ("open", "done", "dropped")


def upgrade() -> None:
    op.create_table(
        "response_commitment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("body_slug", sa.String(length=60), nullable=False),
        sa.Column("ward_codes", sa.String(length=500), nullable=False),
        sa.Column("what", sa.String(length=300), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "state", sa.Enum(*STATES, name="commitmentstate", native_enum=False, length=24), nullable=False
        ),
        sa.Column("created_at", civic.core.db.UTCDateTime(), nullable=False),
        sa.Column("closed_at", civic.core.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["body_slug"], ["response_body.slug"]),
        sa.ForeignKeyConstraint(["response_id"], ["response.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("response_id"),
    )
    op.create_index("ix_response_commitment_body_slug", "response_commitment", ["body_slug"])
    op.create_index("ix_response_commitment_state", "response_commitment", ["state"])
    op.create_table(
        "response_commitment_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column(
            "state", sa.Enum(*STATES, name="commitmentstate", native_enum=False, length=24), nullable=False
        ),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("author_name", sa.String(length=160), nullable=False),
        sa.Column("posted_at", civic.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["commitment_id"], ["response_commitment.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_response_commitment_update_commitment_id", "response_commitment_update", ["commitment_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_response_commitment_update_commitment_id", "response_commitment_update")
    op.drop_table("response_commitment_update")
    op.drop_index("ix_response_commitment_state", "response_commitment")
    op.drop_index("ix_response_commitment_body_slug", "response_commitment")
    op.drop_table("response_commitment")
