"""privacy: audit details that name a person (hashed by digest, redactable), data requests, staff duties

Existing audit entries are left exactly as written: their hashes cover their details, so changing
them would break the chain. Entries written from now on that name a person (failed sign-ins from an
IP address, signature invalidations by address) are hashed over a digest and can be redacted.

Revision ID: 9d4b7e2a61c3
Revises: a7c4e91d2b63
Create Date: 2026-12-02 21:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import civic.core.db

revision: str = "9d4b7e2a61c3"
down_revision: str | None = "a7c4e91d2b63"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_entry") as batch:
        batch.add_column(
            sa.Column(
                "reason_digest",
                sqlmodel.sql.sqltypes.AutoString(length=64),
                nullable=False,
                server_default="",
            )
        )
        batch.add_column(sa.Column("redacted_at", civic.core.db.UTCDateTime(), nullable=True))
    op.create_table(
        "data_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column(
            "channel",
            sa.Enum("online", "letter", name="channel", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("received_at", civic.core.db.UTCDateTime(), nullable=False),
        sa.Column("erasure_asked_at", civic.core.db.UTCDateTime(), nullable=True),
        sa.Column("erased_at", civic.core.db.UTCDateTime(), nullable=True),
        sa.Column("erasure_summary", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("closed_at", civic.core.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_request")),
    )
    op.create_index(op.f("ix_data_request_email"), "data_request", ["email"])
    op.create_index(op.f("ix_data_request_received_at"), "data_request", ["received_at"])
    op.create_index(op.f("ix_data_request_closed_at"), "data_request", ["closed_at"])
    op.create_table(
        "staff_duty",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "duty", sa.Enum("data_protection", name="duty", native_enum=False, length=24), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["staff_user.id"], name=op.f("fk_staff_duty_user_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("user_id", "duty", name=op.f("pk_staff_duty")),
    )


def downgrade() -> None:
    op.drop_table("staff_duty")
    op.drop_index(op.f("ix_data_request_closed_at"), table_name="data_request")
    op.drop_index(op.f("ix_data_request_received_at"), table_name="data_request")
    op.drop_index(op.f("ix_data_request_email"), table_name="data_request")
    op.drop_table("data_request")
    with op.batch_alter_table("audit_entry") as batch:
        batch.drop_column("redacted_at")
        batch.drop_column("reason_digest")
