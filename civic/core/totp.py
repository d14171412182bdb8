"""Time-based one-time codes (RFC 6238, through `pyotp`) and one-use recovery codes for staff.

The shared secret is sealed with AES-GCM under a key derived from SECRET_KEY, so a copy of the
database (a backup, a log of a query) does not hand out working second factors. A code is accepted
for the 30-second step it belongs to and one step either side (clock drift), and never twice: the
last step used is kept, and a code from that step or an earlier one is refused. Recovery codes are
stored only as keyed hashes and each works once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
import segno
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Integer
from sqlmodel import Field, SQLModel, col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.db import UTCDateTime, row_id
from civic.core.i18n import gettext
from civic.core.users import StaffUser

STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


class StaffTotp(SQLModel, table=True):
    """A member's authenticator app. Unconfirmed (confirmed_at None) until they type a code from it."""

    __tablename__ = "staff_totp"

    user_id: int = Field(foreign_key="staff_user.id", primary_key=True)
    secret_sealed: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UTCDateTime)
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_step: int = Field(default=0, sa_type=Integer)


class StaffRecoveryCode(SQLModel, table=True):
    __tablename__ = "staff_recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="staff_user.id", index=True)
    code_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


def _key(secret_key: str, purpose: bytes) -> bytes:
    return hmac.new(secret_key.encode(), purpose, hashlib.sha256).digest()


def seal(secret_key: str, plain: str) -> str:
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_key(secret_key, b"civic totp secret v1")).encrypt(nonce, plain.encode(), None)
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(secret_key: str, sealed: str) -> str | None:
    """The plain secret, or None when it was sealed under another SECRET_KEY."""
    raw = base64.urlsafe_b64decode(sealed.encode())
    try:
        return AESGCM(_key(secret_key, b"civic totp secret v1")).decrypt(raw[:12], raw[12:], None).decode()
    except InvalidTag:
        return None


def provisioning_uri(secret: str, email: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """Inline SVG markup: a path with presentation attributes only, so the strict CSP allows it."""
    qr = segno.make(uri, error="m")
    return str(qr.svg_inline(scale=4, title=gettext("QR code for your authenticator app"), dark="#0b0c0c"))


def format_secret(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code `code` is (now, or one step either side), else None."""
    digits = "".join(code.split())
    if len(digits) != 6 or not digits.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), digits):
            return step
    return None


async def totp_of(session: AsyncSession, user_id: int) -> StaffTotp | None:
    return await session.get(StaffTotp, user_id)


async def has_confirmed_totp(session: AsyncSession, user_id: int) -> bool:
    row = await totp_of(session, user_id)
    return row is not None and row.confirmed_at is not None


async def pending_secret(session: AsyncSession, user: StaffUser, *, secret_key: str, now: datetime) -> str:
    """The secret being enrolled: the unconfirmed one already shown, or a new one."""
    row = await totp_of(session, row_id(user))
    if row is not None and row.confirmed_at is None and (plain := unseal(secret_key, row.secret_sealed)):
        return plain
    plain = pyotp.random_base32()
    if row is None:
        row = StaffTotp(user_id=row_id(user), secret_sealed=seal(secret_key, plain), created_at=now)
    elif row.confirmed_at is None:
        row.secret_sealed, row.created_at = seal(secret_key, plain), now
    else:
        return unseal(secret_key, row.secret_sealed) or ""
    session.add(row)
    await session.flush()
    return plain


async def confirm(
    session: AsyncSession, user: StaffUser, code: str, *, secret_key: str, now: datetime
) -> list[str] | None:
    """Confirm the app with a code from it; returns the new recovery codes (shown once), or None."""
    row = await totp_of(session, row_id(user))
    if row is None or row.confirmed_at is not None:
        return None
    secret = unseal(secret_key, row.secret_sealed)
    step = None if secret is None else matching_step(secret, code, now)
    if step is None:
        return None
    row.confirmed_at, row.last_step = now, step
    session.add(row)
    return await new_recovery_codes(session, user, secret_key=secret_key, now=now)


async def check_code(
    session: AsyncSession, user_id: int, code: str, *, secret_key: str, now: datetime
) -> bool:
    """A fresh code from the member's confirmed app; a replayed one (same or earlier step) is refused."""
    row = await totp_of(session, user_id)
    if row is None or row.confirmed_at is None:
        return False
    secret = unseal(secret_key, row.secret_sealed)
    step = None if secret is None else matching_step(secret, code, now)
    if step is None or step <= row.last_step:
        return False
    row.last_step = step
    session.add(row)
    await session.flush()
    return True


def _code_hash(secret_key: str, code: str) -> str:
    normal = "".join(ch for ch in code.lower() if ch.isalnum())
    return hmac.new(_key(secret_key, b"civic recovery code v1"), normal.encode(), hashlib.sha256).hexdigest()


def _recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


async def new_recovery_codes(
    session: AsyncSession, user: StaffUser, *, secret_key: str, now: datetime
) -> list[str]:
    """Replace the member's recovery codes with ten new ones; only their hashes are stored."""
    await session.exec(delete(StaffRecoveryCode).where(col(StaffRecoveryCode.user_id) == row_id(user)))
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        session.add(
            StaffRecoveryCode(user_id=row_id(user), code_hash=_code_hash(secret_key, code), created_at=now)
        )
    await session.flush()
    return codes


async def use_recovery_code(
    session: AsyncSession, user_id: int, code: str, *, secret_key: str, now: datetime
) -> bool:
    rows = await session.exec(
        select(StaffRecoveryCode).where(
            StaffRecoveryCode.user_id == user_id,
            StaffRecoveryCode.code_hash == _code_hash(secret_key, code),
            col(StaffRecoveryCode.used_at).is_(None),
        )
    )
    found = rows.first()
    if found is None:
        return False
    found.used_at = now
    session.add(found)
    await session.flush()
    return True


async def recovery_codes_left(session: AsyncSession, user_id: int) -> int:
    rows = await session.exec(
        select(StaffRecoveryCode.id).where(
            StaffRecoveryCode.user_id == user_id, col(StaffRecoveryCode.used_at).is_(None)
        )
    )
    return len(rows.all())


async def remove_totp(session: AsyncSession, user_id: int) -> None:
    await session.exec(delete(StaffRecoveryCode).where(col(StaffRecoveryCode.user_id) == user_id))
    await session.exec(delete(StaffTotp).where(col(StaffTotp.user_id) == user_id))
