"""The fixed question set. Surveys choose from these questions only, so each result can stand beside
a published national figure asked in the same words; the comparator is stored with its question.

Each question has one answer scale; `positive` names the answers that count towards the headline
share ("agree" = strongly agree + tend to agree), as the national surveys report them.

The national figures are the published headline shares: Community Life Survey (DCMS) year ending
March 2020, 27% agree they can influence decisions affecting their local area; LGA resident
satisfaction polling, February 2021, 67% satisfied with the way their council runs things and 67%
who say it keeps residents informed; Crime Survey for England and Wales 2013/14 (ONS), 76% agree they
have overall confidence in the local police. When a newer edition is published, change the figure
and its period together: every page and dataset reads them from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from civic.core.i18n import LazyString, Text
from civic.core.i18n import lazy_gettext as _l

AGREE_SCALE = (
    ("strongly_agree", _l("Strongly agree")),
    ("tend_to_agree", _l("Tend to agree")),
    ("neither", _l("Neither agree nor disagree")),
    ("tend_to_disagree", _l("Tend to disagree")),
    ("strongly_disagree", _l("Strongly disagree")),
    ("dont_know", _l("Don't know")),
)
SATISFIED_SCALE = (
    ("very_satisfied", _l("Very satisfied")),
    ("fairly_satisfied", _l("Fairly satisfied")),
    ("neither", _l("Neither satisfied nor dissatisfied")),
    ("fairly_dissatisfied", _l("Fairly dissatisfied")),
    ("very_dissatisfied", _l("Very dissatisfied")),
    ("dont_know", _l("Don't know")),
)


@dataclass(frozen=True)
class Comparator:
    """A published national figure for the same question: the share giving a positive answer."""

    percent: float
    source: LazyString  # shown in the reader's language; open data gives it in English
    period: Text


@dataclass(frozen=True)
class Question:
    code: str
    text: LazyString  # shown in the reader's language; open data gives it in English
    short: LazyString  # the headline share in words, for charts and report cards
    choices: tuple[tuple[str, LazyString], ...]
    positive: frozenset[str]
    comparator: Comparator

    def choice_codes(self) -> list[str]:
        return [code for code, _ in self.choices]

    def label_of(self, choice: str) -> str:
        return str(dict(self.choices).get(choice, choice))


QUESTIONS: tuple[Question, ...] = (
    Question(
        code="influence",
        text=_l("Do you agree or disagree that you can influence decisions affecting your local area?"),
        short=_l("Agree they can influence decisions affecting their local area"),
        choices=AGREE_SCALE,
        positive=frozenset({"strongly_agree", "tend_to_agree"}),
        comparator=Comparator(27.0, _l("Community Life Survey, England"), "2019/20"),
    ),
    Question(
        code="council_satisfaction",
        text=_l("Overall, how satisfied or dissatisfied are you with the way the council runs things?"),
        short=_l("Satisfied with the way the council runs things"),
        choices=SATISFIED_SCALE,
        positive=frozenset({"very_satisfied", "fairly_satisfied"}),
        comparator=Comparator(
            67.0, _l("LGA polling on resident satisfaction with councils, Great Britain"), _l("February 2021")
        ),
    ),
    Question(
        code="police_confidence",
        text=_l(
            "Taking everything into account, do you agree or disagree that you have confidence in the police in this area?"
        ),
        short=_l("Agree they have confidence in the police in their area"),
        choices=AGREE_SCALE,
        positive=frozenset({"strongly_agree", "tend_to_agree"}),
        comparator=Comparator(76.0, _l("Crime Survey for England and Wales"), "2013/14"),
    ),
    Question(
        code="informed",
        text=_l(
            "How well informed do you think the council keeps residents about the services and benefits it provides?"
        ),
        short=_l("Feel well informed by the council"),
        choices=(
            ("very_well", _l("Very well informed")),
            ("fairly_well", _l("Fairly well informed")),
            ("not_very_well", _l("Not very well informed")),
            ("not_at_all", _l("Not well informed at all")),
            ("dont_know", _l("Don't know")),
        ),
        positive=frozenset({"very_well", "fairly_well"}),
        comparator=Comparator(
            67.0, _l("LGA polling on resident satisfaction with councils, Great Britain"), _l("February 2021")
        ),
    ),
)

BY_CODE = {q.code: q for q in QUESTIONS}


def in_english(text: Text) -> str:
    """A question's words as open data gives them, whatever the reader's language."""
    return text.message if isinstance(text, LazyString) else text


def questions_of(codes: str) -> list[Question]:
    """A survey stores its questions as codes separated by commas, in the order asked."""
    return [BY_CODE[c] for c in codes.split(",") if c in BY_CODE]


def positive_count(question: Question, counts: dict[str, int]) -> int:
    return sum(n for choice, n in counts.items() if choice in question.positive)
