"""staff second factor: authenticator apps, recovery codes, passkeys, WebAuthn challenges, pending
sign-ins and the sign-in record

Revision ID: a7c4e91d2b63
Revises: a3c71e9d5b40
Create Date: 2026-12-02 21:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import civic.core.db

revision: str = "a7c4e91d2b63"
down_revision: str | None = "a3c71e9d5b40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AutoString = sqlmodel.sql.sqltypes.AutoString


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"], ["staff_user.id"], name=op.f(f"fk_{table}_user_id_staff_user")
    )


def _index(table: str, column: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "staff_totp",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret_sealed", AutoString(length=200), nullable=False),
        sa.Column("created_at", civic.core.db.UTCDateTime(), nullable=False),
        sa.Column("confirmed_at", civic.core.db.UTCDateTime(), nullable=True),
        sa.Column("last_step", sa.Integer(), nullable=False),
        _user_fk("staff_totp"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_staff_totp")),
    )
    op.create_table(
        "staff_recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", AutoString(length=64), nullable=False),
        sa.Column("created_at", civic.core.db.UTCDateTime(), nullable=False),
        sa.Column("used_at", civic.core.db.UTCDateTime(), nullable=True),
        _user_fk("staff_recovery_code"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_recovery_code")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_staff_recovery_code_code_hash")),
    )
    _index("staff_recovery_code", "user_id")
    op.create_table(
        "staff_passkey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("credential_id", AutoString(length=400), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("sign_count", sa.Integer(), nullable=False),
        sa.Column("name", AutoString(length=80), nullable=False),
        sa.Column("created_at", civic.core.db.UTCDateTime(), nullable=False),
        sa.Column("last_used_at", civic.core.db.UTCDateTime(), nullable=True),
        _user_fk("staff_passkey"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_passkey")),
        sa.UniqueConstraint("credential_id", name=op.f("uq_staff_passkey_credential_id")),
    )
    _index("staff_passkey", "user_id")
    op.create_table(
        "webauthn_challenge",
        sa.Column("challenge", AutoString(length=120), nullable=False),
        sa.Column("purpose", AutoString(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", civic.core.db.UTCDateTime(), nullable=False),
        _user_fk("webauthn_challenge"),
        sa.PrimaryKeyConstraint("challenge", name=op.f("pk_webauthn_challenge")),
    )
    op.create_table(
        "pending_signin",
        sa.Column("token_hash", AutoString(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "stage", sa.Enum("verify", "enrol", name="stage", native_enum=False, length=24), nullable=False
        ),
        sa.Column("next_url", AutoString(length=500), nullable=False),
        sa.Column("created_at", civic.core.db.UTCDateTime(), nullable=False),
        _user_fk("pending_signin"),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_pending_signin")),
    )
    _index("pending_signin", "user_id")
    op.create_table(
        "signin_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", civic.core.db.UTCDateTime(), nullable=False),
        sa.Column("ip_address", AutoString(length=45), nullable=False),
        sa.Column("user_agent", AutoString(length=300), nullable=False),
        sa.Column(
            "factor",
            sa.Enum("password", "totp", "recovery", "passkey", name="factor", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("session_hash", AutoString(length=64), nullable=True),
        _user_fk("signin_event"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signin_event")),
    )
    for column in ("at", "session_hash", "user_id"):
        _index("signin_event", column)


def downgrade() -> None:
    for table in (
        "signin_event",
        "pending_signin",
        "webauthn_challenge",
        "staff_passkey",
        "staff_recovery_code",
        "staff_totp",
    ):
        op.drop_table(table)
