"""Parse and check the survey forms: setting one up, a resident's answers, paper bundles."""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.datastructures import FormData

from civic.core.areas import Neighbourhood, Ward
from civic.core.choices import Pair
from civic.core.forms import Errors, check_length, check_no_formula, text
from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.surveys.models import AreaKind
from civic.surveys.questions import BY_CODE, QUESTIONS, Question

SLUG_WORD = re.compile(r"[^a-z0-9]+")
QUESTION_PAIRS: list[Pair] = [
    (
        q.code,
        q.text,
        _l(
            "National figure: %(percent)s%% (%(source)s, %(period)s)",
            percent=format(q.comparator.percent, "g"),
            source=q.comparator.source,
            period=q.comparator.period,
        ),
    )
    for q in QUESTIONS
]


def area_pairs(wards: list[Ward], hoods: list[Neighbourhood]) -> list[Pair]:
    return [
        ("council", gettext("The whole council area")),
        *(
            (f"neighbourhood:{h.slug}", gettext("Policing neighbourhood: %(name)s", name=h.name))
            for h in hoods
        ),
        *((f"ward:{w.code}", gettext("Ward: %(name)s", name=w.name)) for w in wards),
    ]


def slug_of(title: str) -> str:
    return SLUG_WORD.sub("-", title.lower()).strip("-")[:60].strip("-")


@dataclass(frozen=True)
class NewSurvey:
    title: str
    slug: str
    area_kind: AreaKind
    area_code: str | None
    area_name: str
    questions: list[str]


def parse_survey(
    form: FormData, wards: list[Ward], hoods: list[Neighbourhood]
) -> tuple[NewSurvey | None, Errors]:
    errors: Errors = {}
    title = text(form, "title")
    check_length(errors, "title", title, gettext("the survey's title"), maximum=160)
    check_no_formula(errors, "title", title, gettext("The title"))
    if title and not slug_of(title) and "title" not in errors:
        errors["title"] = gettext("The title must contain letters or numbers")
    chosen = [code for code in form.getlist("questions") if isinstance(code, str)]
    if not chosen or any(code not in BY_CODE for code in chosen):
        errors["questions"] = gettext("Choose at least one question from the list")
    area = _area(text(form, "area"), wards, hoods)
    if area is None:
        errors["area"] = gettext("Choose the area the survey covers")
    if errors or area is None:
        return None, errors
    ordered = [q.code for q in QUESTIONS if q.code in chosen]
    return NewSurvey(title, slug_of(title), area[0], area[1], area[2], ordered), errors


def _area(
    value: str, wards: list[Ward], hoods: list[Neighbourhood]
) -> tuple[AreaKind, str | None, str] | None:
    if value == "council":
        return AreaKind.COUNCIL, None, "the whole council area"
    kind, _, code = value.partition(":")
    if kind == "ward":
        return next(((AreaKind.WARD, w.code, w.name) for w in wards if w.code == code), None)
    if kind == "neighbourhood":
        return next(((AreaKind.NEIGHBOURHOOD, h.slug, h.name) for h in hoods if h.slug == code), None)
    return None


def answer_field(question: Question) -> str:
    return f"q_{question.code}"


def parse_answers(form: FormData, questions: list[Question]) -> tuple[dict[str, str], Errors]:
    """Every question must be answered ("Don't know" is an answer)."""
    answers: dict[str, str] = {}
    errors: Errors = {}
    for question in questions:
        value = text(form, answer_field(question))
        if value in question.choice_codes():
            answers[question.code] = value
        else:
            errors[answer_field(question)] = gettext(
                "Choose an answer to: %(question)s", question=question.text
            )
    return answers, errors


def whole_number(errors: Errors, form: FormData, name: str, what: str, *, low: int, high: int) -> int:
    raw = text(form, name)
    if not raw.isdigit() or not low <= int(raw) <= high:
        errors[name] = gettext(
            "Enter %(label)s as a whole number from %(low)s to %(high)s",
            label=what,
            low=low,
            high=format(high, ","),
        )
        return 0
    return int(raw)
