"""Read-only queries behind the survey pages, open data and report cards."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.areas import Ward, list_wards, wards_of
from civic.core.home import OpenItem
from civic.core.i18n import gettext
from civic.surveys.models import AreaKind, Survey, SurveyAnswer, SurveyResponse, SurveyState
from civic.surveys.questions import questions_of
from civic.surveys.results import Counts, QuestionResult, question_results


async def surveys(session: AsyncSession, *, public: bool) -> list[Survey]:
    """Newest first; the public sees open and closed surveys, never drafts."""
    query = select(Survey).order_by(col(Survey.created_at).desc(), col(Survey.id).desc())
    if public:
        query = query.where(col(Survey.state) != SurveyState.DRAFT)
    return list((await session.exec(query)).all())


async def wards_covered(session: AsyncSession, survey: Survey) -> list[Ward]:
    if survey.area_kind == AreaKind.WARD:
        ward = await session.get(Ward, survey.ward_code) if survey.ward_code else None
        return [ward] if ward is not None else []
    if survey.area_kind == AreaKind.NEIGHBOURHOOD and survey.neighbourhood_slug:
        return await wards_of(session, survey.neighbourhood_slug)
    return await list_wards(session)


async def counts_of(session: AsyncSession, survey_id: int) -> Counts:
    rows = await session.exec(
        select(SurveyAnswer.question, SurveyResponse.ward_code, SurveyAnswer.choice, func.count())
        .join(SurveyResponse, col(SurveyResponse.id) == col(SurveyAnswer.response_id))
        .where(SurveyAnswer.survey_id == survey_id)
        .group_by(col(SurveyAnswer.question), col(SurveyResponse.ward_code), col(SurveyAnswer.choice))
    )
    return {(q, w, c): int(n) for q, w, c, n in rows.all()}


async def results_of(session: AsyncSession, survey: Survey) -> list[QuestionResult]:
    assert survey.id is not None
    wards = [(w.code, w.name) for w in await wards_covered(session, survey)]
    return question_results(
        questions_of(survey.questions), await counts_of(session, survey.id), wards, survey.area_name
    )


async def closed_surveys(session: AsyncSession) -> list[Survey]:
    """Published results, the latest closed first."""
    query = select(Survey).where(Survey.state == SurveyState.CLOSED)
    rows = await session.exec(query.order_by(col(Survey.closed_at).desc(), col(Survey.id).desc()))
    return list(rows.all())


async def open_surveys(session: AsyncSession, now: datetime) -> list[OpenItem]:
    """The home page's "open now": surveys taking answers."""
    rows = await session.exec(
        select(Survey).where(Survey.state == SurveyState.OPEN).order_by(col(Survey.opened_at))
    )
    return [
        OpenItem(
            gettext("Residents' surveys"),
            s.title,
            f"/surveys/{s.slug}",
            gettext("For %(area)s", area=s.shown_area),
        )
        for s in rows.all()
    ]
