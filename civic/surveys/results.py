"""A survey's results from its answer counts: per question, the whole survey area and each ward in
it, with the headline share, its 95% interval and the answers behind it under the small-count rule.
Pure: the counts come in, published figures go out."""

from __future__ import annotations

from dataclasses import dataclass

from civic.core.publish import shown_breakdown, shown_text
from civic.surveys.estimates import Estimate, estimate
from civic.surveys.questions import Question, positive_count

# (question code, ward code, choice) -> number of answers
Counts = dict[tuple[str, str, str], int]


@dataclass(frozen=True)
class AreaResult:
    code: str  # a ward's code, or "" for the whole survey area
    name: str
    estimate: Estimate
    breakdown: list[tuple[str, str]]  # (answer label, count as published), in the reader's language


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    overall: AreaResult
    areas: list[AreaResult]  # one per ward, when the survey covers more than one


def _area(question: Question, code: str, name: str, counts: dict[str, int]) -> AreaResult:
    total = sum(counts.values())
    per_choice = [counts.get(choice, 0) for choice in question.choice_codes()]
    labels = [label for _, label in question.choices]
    return AreaResult(
        code,
        name,
        estimate(positive_count(question, counts), total),
        [
            (str(label), shown_text(shown))
            for label, shown in zip(labels, shown_breakdown(per_choice), strict=True)
        ],
    )


def question_results(
    questions: list[Question], counts: Counts, wards: list[tuple[str, str]], area_name: str
) -> list[QuestionResult]:
    """`wards` is (code, name) for every ward the survey covers, in the order to show them."""
    results = []
    for question in questions:
        by_ward: dict[str, dict[str, int]] = {}
        overall: dict[str, int] = {}
        for (code, ward, choice), n in counts.items():
            if code == question.code:
                by_ward.setdefault(ward, {})[choice] = by_ward.get(ward, {}).get(choice, 0) + n
                overall[choice] = overall.get(choice, 0) + n
        areas = (
            [_area(question, ward, name, by_ward.get(ward, {})) for ward, name in wards]
            if len(wards) > 1
            else []
        )
        results.append(QuestionResult(question, _area(question, "", area_name, overall), areas))
    return results
