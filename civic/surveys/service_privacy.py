"""Erasing what links a response to a person: after a survey has been closed a while, the keyed
hashes that enforced once-per-person are no longer needed, so they are set to nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.surveys.models import Survey, SurveyResponse, SurveyState


async def erase_keys(session: AsyncSession, *, now: datetime, keep_days: int) -> int:
    before = now - timedelta(days=keep_days)
    closed = select(Survey.id).where(Survey.state == SurveyState.CLOSED, col(Survey.closed_at) < before)
    result = await session.exec(
        update(SurveyResponse)
        .where(col(SurveyResponse.survey_id).in_(closed), col(SurveyResponse.voter_key).is_not(None))
        .values(voter_key=None)
    )
    await session.flush()
    return int(result.rowcount or 0)
