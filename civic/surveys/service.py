"""Surveys' life: staff create one (draft), open it to answers, and close it, which publishes the results."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core import audit
from civic.core.errors import Conflict, NotFound
from civic.core.users import StaffUser
from civic.surveys.models import AreaKind, Survey, SurveyState


async def get_survey(session: AsyncSession, slug: str) -> Survey:
    survey = (await session.exec(select(Survey).where(Survey.slug == slug))).first()
    if survey is None:
        raise NotFound()
    return survey


async def get_survey_by_id(session: AsyncSession, survey_id: int) -> Survey:
    survey = await session.get(Survey, survey_id)
    if survey is None:
        raise NotFound()
    return survey


async def create_survey(
    session: AsyncSession,
    *,
    actor: StaffUser | None,
    slug: str,
    title: str,
    area_kind: AreaKind,
    area_code: str | None,
    area_name: str,
    questions: list[str],
    now: datetime,
) -> Survey:
    if (await session.exec(select(Survey.id).where(Survey.slug == slug))).first() is not None:
        raise Conflict("A survey already has that web address")
    survey = Survey(
        slug=slug,
        title=title,
        area_kind=area_kind,
        ward_code=area_code if area_kind == AreaKind.WARD else None,
        neighbourhood_slug=area_code if area_kind == AreaKind.NEIGHBOURHOOD else None,
        area_name=area_name,
        questions=",".join(questions),
        created_at=now,
    )
    session.add(survey)
    await session.flush()
    await audit.record(
        session, actor=actor, action="surveys.created", object_type="survey", object_id=survey.id,
        now=now, reason=f"{title} ({area_name}): {survey.questions}",
    )  # fmt: skip
    return survey


async def open_survey(
    session: AsyncSession, survey: Survey, *, actor: StaffUser | None, now: datetime
) -> None:
    if survey.state != SurveyState.DRAFT:
        raise Conflict("Only a draft survey can be opened")
    survey.state, survey.opened_at = SurveyState.OPEN, now
    await _changed(session, survey, actor, "surveys.opened", now)


async def close_survey(
    session: AsyncSession, survey: Survey, *, actor: StaffUser | None, now: datetime
) -> None:
    if survey.state != SurveyState.OPEN:
        raise Conflict("Only an open survey can be closed")
    survey.state, survey.closed_at = SurveyState.CLOSED, now
    await _changed(session, survey, actor, "surveys.closed", now)


async def _changed(
    session: AsyncSession, survey: Survey, actor: StaffUser | None, action: str, now: datetime
) -> None:
    session.add(survey)
    await session.flush()
    await audit.record(
        session, actor=actor, action=action, object_type="survey", object_id=survey.id, now=now,
        reason=survey.title, public=True,
    )  # fmt: skip
