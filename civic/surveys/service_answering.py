"""Answering once per person, without an account.

Online, a resident answers and then either confirms by email (the emailed link carries the answers,
signed, so nothing is stored until the link is used and no address is ever stored) or gives a one-time
code from a letter. Either way the response keeps only a keyed hash, unique per survey: a second use of
the same address or code finds the first and changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.config import Settings
from civic.core.db import insert_or_ignore, row_id
from civic.core.errors import Conflict
from civic.core.i18n import gettext
from civic.core.identity import email_hash
from civic.core.outbox import Mail
from civic.core.tokens import BadToken, make_token, read_token
from civic.surveys.models import Channel, Survey, SurveyAnswer, SurveyCode, SurveyResponse, SurveyState
from civic.surveys.service_codes import code_hash

CONFIRM = "surveys-confirm"
CONFIRM_FOR = timedelta(days=7)


@dataclass(frozen=True)
class Pending:
    """What an emailed link stands for: who (keyed hash), where, and what they answered."""

    survey_id: int
    ward_code: str
    voter_key: str
    answers: dict[str, str]


def confirm_token(settings: Settings, pending: Pending, now: datetime) -> str:
    payload = json.dumps(
        [pending.survey_id, pending.ward_code, pending.voter_key, pending.answers], separators=(",", ":")
    )
    return make_token(settings.secret_key, CONFIRM, payload, expires=now + CONFIRM_FOR)


def read_pending(settings: Settings, token: str, *, now: datetime) -> Pending:
    raw = read_token(settings.secret_key, CONFIRM, token, now=now)  # raises BadToken
    try:
        survey_id, ward_code, voter_key, answers = json.loads(raw)
        return Pending(
            int(survey_id), str(ward_code), str(voter_key), {str(k): str(v) for k, v in answers.items()}
        )
    except (ValueError, TypeError, AttributeError) as exc:
        raise BadToken(gettext("This link is not valid.")) from exc


def _require_open(survey: Survey) -> None:
    if survey.state != SurveyState.OPEN:
        raise Conflict("This survey is not open for answers")


async def ask_confirmation(
    session: AsyncSession,
    survey: Survey,
    *,
    address: str,
    ward_code: str,
    answers: dict[str, str],
    settings: Settings,
    mail: Mail,
    now: datetime,
) -> None:
    """Queue the email whose link records the answers. The address goes only into the outbox."""
    _require_open(survey)
    pending = Pending(row_id(survey), ward_code, email_hash(settings.secret_key, address), answers)
    await mail.enqueue(
        session,
        to=address.strip(),
        template="surveys_confirm",
        context={"survey": survey, "token": confirm_token(settings, pending, now)},
        now=now,
    )


async def record(
    session: AsyncSession, survey: Survey, *, channel: Channel, voter_key: str | None,
    ward_code: str, answers: dict[str, str], now: datetime,
) -> bool:  # fmt: skip
    """Store one response; False when this person (key) has already answered this survey."""
    response = SurveyResponse(survey_id=row_id(survey), ward_code=ward_code, channel=channel,
                              voter_key=voter_key, created_at=now)  # fmt: skip
    if voter_key is None:
        session.add(response)
        await session.flush()
    else:
        values = response.model_dump(exclude={"id"})
        if not await insert_or_ignore(session, SurveyResponse, values):
            return False
        query = select(SurveyResponse).where(
            SurveyResponse.survey_id == row_id(survey), SurveyResponse.voter_key == voter_key
        )
        response = (await session.exec(query)).one()
    for question, choice in answers.items():
        session.add(SurveyAnswer(response_id=row_id(response), survey_id=row_id(survey),
                                 question=question, choice=choice))  # fmt: skip
    await session.flush()
    return True


async def confirm(session: AsyncSession, survey: Survey, pending: Pending, *, now: datetime) -> bool:
    """Record the answers an emailed link carries; False when that address has already answered."""
    _require_open(survey)
    return await record(
        session, survey, channel=Channel.EMAIL, voter_key=pending.voter_key,
        ward_code=pending.ward_code, answers=pending.answers, now=now,
    )  # fmt: skip


async def answer_with_code(
    session: AsyncSession, survey: Survey, *, raw_code: str, ward_code: str,
    answers: dict[str, str], secret: str, now: datetime,
) -> bool:  # fmt: skip
    """Record answers given with a one-time code; False when the code is unknown or already used
    (one message for both, so the page says nothing about which codes exist)."""
    _require_open(survey)
    digest = code_hash(secret, raw_code)
    code = (
        await session.exec(
            select(SurveyCode)
            .where(SurveyCode.survey_id == row_id(survey), SurveyCode.code_hash == digest)
            .with_for_update()
        )
    ).first()
    if code is None or code.used_at is not None:
        return False
    code.used_at = now
    session.add(code)
    return await record(
        session, survey, channel=Channel.CODE, voter_key=digest, ward_code=ward_code, answers=answers, now=now
    )


async def response_count(session: AsyncSession, survey_id: int) -> int:
    rows = await session.exec(select(col(SurveyResponse.id)).where(SurveyResponse.survey_id == survey_id))
    return len(rows.all())
