"""One-time codes for surveys handed out on paper (a letter to each address, a slip at a meeting):
made at random, shown to staff once to print, and stored only as keyed hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core import audit
from civic.core.db import row_id
from civic.core.users import StaffUser
from civic.surveys.models import Survey, SurveyCode

# No 0/O, 1/I/L: codes are read off paper. 31^10 ~ 8e14 codes; tries are rate limited.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_CHARS = 10
MAX_CODES = 5000  # in one go; the page that shows them must stay printable


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_CHARS))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def code_hash(secret: str, raw: str) -> str:
    return hmac.new(
        secret.encode(), f"survey-code|{normalise_code(raw)}".encode(), hashlib.sha256
    ).hexdigest()


async def make_codes(
    session: AsyncSession, survey: Survey, *, actor: StaffUser | None, secret: str, label: str,
    size: int, now: datetime,
) -> list[str]:  # fmt: skip
    """Make `size` new codes; the plain codes are returned this once and never stored."""
    codes: dict[str, str] = {}
    while len(codes) < size:
        code = new_code()
        codes.setdefault(code_hash(secret, code), code)
    for digest in codes:
        session.add(SurveyCode(survey_id=row_id(survey), code_hash=digest, label=label, created_at=now))
    await session.flush()
    await audit.record(
        session, actor=actor, action="surveys.codes_made", object_type="survey", object_id=survey.id,
        now=now, reason=f"{size} codes: {label}",
    )  # fmt: skip
    return list(codes.values())


async def code_usage(session: AsyncSession, survey_id: int) -> list[tuple[str, int, int]]:
    """(label, made, used) for each mailing or meeting, for staff to see the take-up."""
    rows = await session.exec(
        select(SurveyCode.label, func.count(), func.count(col(SurveyCode.used_at)))
        .where(SurveyCode.survey_id == survey_id)
        .group_by(col(SurveyCode.label))
        .order_by(col(SurveyCode.label))
    )
    return [(label, int(made), int(used)) for label, made, used in rows.all()]
