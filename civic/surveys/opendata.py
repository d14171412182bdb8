"""Open data: the results of every closed survey, as JSON and CSV, under the Open Government Licence.

Only counts and shares leave: no response, no code, no hash. Counts follow the small-count rule, and a
share and its interval are given only for 5 answers or more."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from civic.core.db import reading
from civic.core.i18n import lazy_gettext as _l
from civic.core.opendata import Dataset
from civic.core.publish import SMALL_COUNT_NOTE_SHOWN, csv_of_records, json_response, shown_value
from civic.surveys import queries
from civic.surveys.models import Survey
from civic.surveys.questions import in_english
from civic.surveys.results import AreaResult, QuestionResult

FIELDS = (
    ("survey", _l("the survey's short name, as in its web address")),
    ("survey_title", _l("the survey's title")),
    ("survey_area", _l("the area the survey covered: the council, a ward or a policing neighbourhood")),
    ("closed_at", _l("when the survey closed (UTC)")),
    ("question", _l("the question's code")),
    ("question_text", _l("the question as asked")),
    ("area_code", _l("the ward's ONS code; empty for the whole survey area")),
    ("area_name", _l("the ward, or the survey area")),
    ("answers", _l("how many people answered the question; %(note)s", note=SMALL_COUNT_NOTE_SHOWN)),
    (
        "positive",
        _l(
            "how many gave a positive answer (agree, satisfied or well informed); %(note)s",
            note=SMALL_COUNT_NOTE_SHOWN,
        ),
    ),
    ("percent", _l("positive answers as a share of all answers, %; empty below 5 answers")),
    ("ci_low", _l("lower end of the %(level)s confidence interval (Wilson score), %%", level="95%")),
    ("ci_high", _l("upper end of the %(level)s confidence interval (Wilson score), %%", level="95%")),
    ("national_percent", _l("the published national figure for the same question, %")),
    ("national_source", _l("where the national figure comes from, and its period")),
)
DATASETS = (
    Dataset(
        _l("Residents' survey results"),
        _l(
            "Every closed residents' survey: for each question, the whole survey area and each ward, with the number "
            "of answers, the share giving a positive answer, its %(level)s confidence interval and the national figure.",
            level="95%",
        ),
        (("JSON", "/surveys/results.json"), ("CSV", "/surveys/results.csv")),
        FIELDS,
        _l("Residents' surveys"),
    ),
)


def _record(survey: Survey, result: QuestionResult, area: AreaResult) -> dict[str, Any]:
    e, national = area.estimate, result.question.comparator
    return {
        "survey": survey.slug,
        "survey_title": survey.title,
        "survey_area": survey.area_name,
        "closed_at": survey.closed_at.isoformat() if survey.closed_at else None,
        "question": result.question.code,
        "question_text": in_english(result.question.text),
        "area_code": area.code,
        "area_name": area.name,
        "answers": shown_value(e.answers),
        "positive": shown_value(e.positive) if e.shown else None,
        "percent": e.percent,
        "ci_low": e.low,
        "ci_high": e.high,
        "national_percent": national.percent,
        "national_source": f"{in_english(national.source)}, {in_english(national.period)}",
    }


async def records(request: Request) -> list[dict[str, Any]]:
    async with reading(request) as session:
        out: list[dict[str, Any]] = []
        for survey in await queries.closed_surveys(session):
            for result in await queries.results_of(session, survey):
                out.extend(_record(survey, result, area) for area in (result.overall, *result.areas))
    return out


async def results_json(request: Request) -> Response:
    return json_response(await records(request))


async def results_csv(request: Request) -> Response:
    return csv_of_records([name for name, _ in FIELDS], await records(request), "survey-results.csv")
