"""One-time voting codes: made at random, shown once (cards and CSV), stored only as keyed hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.budgets.models import BudgetCode, BudgetCodeBatch, BudgetProcess
from civic.core import audit
from civic.core.db import row_id
from civic.core.users import StaffUser

# No 0/O, 1/I/L: codes are read off paper by young people.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_CHARS = 10  # 31^10 ~ 8e14: guessing one among thousands needs ~1e11 tries; attempts are rate limited


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_CHARS))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def code_hash(secret: str, raw: str) -> str:
    return hmac.new(
        secret.encode(), f"budget-code|{normalise_code(raw)}".encode(), hashlib.sha256
    ).hexdigest()


def receipt_hash(secret: str, raw: str) -> str:
    return hmac.new(
        secret.encode(), f"budget-receipt|{normalise_code(raw)}".encode(), hashlib.sha256
    ).hexdigest()


def new_receipt() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


async def create_batch(
    session: AsyncSession,
    process: BudgetProcess,
    *,
    actor: StaffUser | None,
    secret: str,
    label: str,
    size: int,
    area_id: int | None,
    age_band: str,
    now: datetime,
) -> tuple[BudgetCodeBatch, list[str]]:
    """Make `size` codes; the plain codes are returned once and never stored."""
    batch = BudgetCodeBatch(
        process_id=row_id(process),
        area_id=area_id,
        label=label,
        age_band=age_band,
        size=size,
        created_by=None if actor is None else actor.id,
        created_at=now,
    )
    session.add(batch)
    await session.flush()
    codes: list[str] = []
    seen: set[str] = set()
    while len(codes) < size:
        code = new_code()
        digest = code_hash(secret, code)
        if digest in seen:
            continue
        seen.add(digest)
        codes.append(code)
        session.add(BudgetCode(batch_id=row_id(batch), code_hash=digest, hint=code[-4:]))
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="budgets.codes_created",
        object_type="budget_code_batch",
        object_id=batch.id,
        now=now,
        reason=f"{size} codes for {label}",
    )
    return batch, codes


async def batches_of(session: AsyncSession, process_id: int) -> list[BudgetCodeBatch]:
    rows = await session.exec(
        select(BudgetCodeBatch)
        .where(BudgetCodeBatch.process_id == process_id)
        .order_by(col(BudgetCodeBatch.id))
    )
    return list(rows.all())


async def batch_usage(session: AsyncSession, batch_id: int) -> tuple[int, int]:
    """(used, voided) codes in a batch: shown to staff to see how a school is doing."""
    codes = (await session.exec(select(BudgetCode).where(BudgetCode.batch_id == batch_id))).all()
    return sum(1 for c in codes if c.used), sum(1 for c in codes if c.voided)


async def void_batch(
    session: AsyncSession, batch: BudgetCodeBatch, *, actor: StaffUser, reason: str, now: datetime
) -> int:
    batch.voided_at, batch.void_reason = now, reason
    session.add(batch)
    result = await session.exec(
        update(BudgetCode).where(col(BudgetCode.batch_id) == batch.id).values(voided=True)
    )
    await audit.record(
        session,
        actor=actor,
        action="budgets.batch_voided",
        object_type="budget_code_batch",
        object_id=batch.id,
        now=now,
        reason=reason,
    )
    return int(result.rowcount or 0)


async def void_code(
    session: AsyncSession,
    process: BudgetProcess,
    *,
    secret: str,
    raw: str,
    actor: StaffUser,
    reason: str,
    now: datetime,
) -> bool:
    """Void one code (a lost card). Staff type the whole code from their printout."""
    code = await find_code(session, process, secret=secret, raw=raw)
    if code is None or code.voided:
        return False
    code.voided = True
    session.add(code)
    await audit.record(
        session,
        actor=actor,
        action="budgets.code_voided",
        object_type="budget_code",
        object_id=code.id,
        now=now,
        reason=reason,
    )
    return True


async def find_code(
    session: AsyncSession, process: BudgetProcess, *, secret: str, raw: str
) -> BudgetCode | None:
    rows = await session.exec(
        select(BudgetCode)
        .join(BudgetCodeBatch, col(BudgetCodeBatch.id) == BudgetCode.batch_id)
        .where(BudgetCode.code_hash == code_hash(secret, raw), BudgetCodeBatch.process_id == process.id)
    )
    return rows.first()
