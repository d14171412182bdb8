"""Report-card rows: the latest closed survey covering the card's area, one row per question, beside
the grades (the survey does not change the grade: it is a separate measure, stated as such).

A ward's card takes the latest survey of that ward, of the policing neighbourhood it is in or of the
whole council, and shows the ward's own share from it; a policing team's card takes its neighbourhood's
latest survey; the council's card takes the latest council-wide survey. Fewer than 5 answers: no figure.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.areas import neighbourhood_of_ward
from civic.core.i18n import current, gettext
from civic.core.localtime import format_date
from civic.core.publish import shown_count_text
from civic.core.reportcard import MetricRow, Scope
from civic.responses.queries_members import COUNCIL_BODY, police_body
from civic.surveys import queries
from civic.surveys.estimates import Estimate
from civic.surveys.models import AreaKind, Survey
from civic.surveys.results import QuestionResult


async def _latest_for(session: AsyncSession, scope: Scope) -> Survey | None:
    closed = await queries.closed_surveys(session)
    if scope.key is None or (scope.kind == "body" and scope.key == COUNCIL_BODY):
        return next((s for s in closed if s.area_kind == AreaKind.COUNCIL), None)
    if scope.kind == "body":
        return next(
            (s for s in closed if s.neighbourhood_slug and police_body(s.neighbourhood_slug) == scope.key),
            None,
        )
    if scope.kind != "ward":
        return None
    hood = await neighbourhood_of_ward(session, scope.key)
    for survey in closed:
        if survey.area_kind == AreaKind.COUNCIL or survey.ward_code == scope.key:
            return survey
        if hood is not None and survey.neighbourhood_slug == hood.slug:
            return survey
    return None


def _label(result: QuestionResult, survey: Survey, mine: Estimate) -> str:
    """The row's words, in the reader's language."""
    answers = gettext("%(count)s answers", count=shown_count_text(mine.answers))
    if mine.shown:
        answers = gettext(
            "%(answers)s; 95%% interval %(low)s%% to %(high)s%%",
            answers=answers,
            low=mine.low,
            high=mine.high,
        )
    if survey.closed_at:
        where = gettext(
            "survey: %(title)s, closed %(date)s",
            title=survey.title,
            date=format_date(survey.closed_at, current()),
        )
    else:
        where = gettext("survey: %(title)s", title=survey.title)
    return gettext(
        "%(share)s (%(survey)s; %(answers)s)", share=result.question.short, survey=where, answers=answers
    )


def _mine(result: QuestionResult, scope: Scope) -> Estimate:
    if scope.kind == "ward":
        return next((a.estimate for a in result.areas if a.code == scope.key), result.overall.estimate)
    return result.overall.estimate


async def latest_survey(session: AsyncSession, scope: Scope, now: datetime) -> list[MetricRow]:
    survey = await _latest_for(session, scope)
    if survey is None:
        return []
    council_wide = survey.area_kind == AreaKind.COUNCIL
    rows = []
    for result in await queries.results_of(session, survey):
        mine = _mine(result, scope)
        council = result.overall.estimate.percent if council_wide else None
        rows.append(MetricRow(_label(result, survey, mine), mine.percent, council, "%"))
    return rows
