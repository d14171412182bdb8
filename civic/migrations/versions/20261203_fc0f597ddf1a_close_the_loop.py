"""responses: "was it done?" answers on any feature's commitments, when they were asked, and links
between the steps of an ask

Revision ID: fc0f597ddf1a
Revises: ddc1930323ef
Create Date: 2026-12-03 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import civic.core.db

revision: str = "fc0f597ddf1a"
down_revision: str | None = "ddc1930323ef"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ANSWERS = ("done", "partly", "not_done")
COMMENT_STATES = ("none", "pending", "approved", "rejected")


def upgrade() -> None:
    op.create_table(
        "response_commitment_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_kind", sa.String(length=40), nullable=False),
        sa.Column("commitment_ref", sa.String(length=80), nullable=False),
        sa.Column("asked_at", civic.core.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("commitment_kind", "commitment_ref"),
    )
    op.create_table(
        "response_commitment_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_kind", sa.String(length=40), nullable=False),
        sa.Column("commitment_ref", sa.String(length=80), nullable=False),
        sa.Column("rater_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "answer", sa.Enum(*ANSWERS, name="wasitdone", native_enum=False, length=24), nullable=False
        ),
        sa.Column("comment", sa.String(length=1000), nullable=False),
        sa.Column(
            "comment_state",
            sa.Enum(*COMMENT_STATES, name="commentstate", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("created_at", civic.core.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("commitment_kind", "commitment_ref", "rater_hash"),
    )
    op.create_index(
        "ix_response_commitment_answer_commitment_kind", "response_commitment_answer", ["commitment_kind"]
    )
    op.create_index(
        "ix_response_commitment_answer_comment_state", "response_commitment_answer", ["comment_state"]
    )
    op.create_table(
        "response_step_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_kind", sa.String(length=40), nullable=False),
        sa.Column("from_ref", sa.String(length=80), nullable=False),
        sa.Column("to_kind", sa.String(length=40), nullable=False),
        sa.Column("to_ref", sa.String(length=80), nullable=False),
        sa.Column("created_at", civic.core.db.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("from_kind", "from_ref", "to_kind", "to_ref"),
    )
    op.create_index("ix_response_step_link_from_kind", "response_step_link", ["from_kind"])
    op.create_index("ix_response_step_link_to_kind", "response_step_link", ["to_kind"])


def downgrade() -> None:
    op.drop_index("ix_response_step_link_to_kind", "response_step_link")
    op.drop_index("ix_response_step_link_from_kind", "response_step_link")
    op.drop_table("response_step_link")
    op.drop_index("ix_response_commitment_answer_comment_state", "response_commitment_answer")
    op.drop_index("ix_response_commitment_answer_commitment_kind", "response_commitment_answer")
    op.drop_table("response_commitment_answer")
    op.drop_table("response_commitment_check")
