"""Pure report-card arithmetic: timeliness, satisfaction, commitments kept and the letter grade. No IO.

The grade formula (also stated on every report card): the weighted average, out of 100, of the parts
that have a figure:
    share of responses published on time        weight 60
    (average satisfaction - 1) / 4              weight 40
    share of commitments kept                   weight 20
When nobody has rated yet, or fewer than 5 people have said whether commitments were done, that part
is left out and the others share its weight (timeliness alone is the whole score), so a card with no
commitment answers keeps the grade it had before commitments were counted. Grades: A 85+, B 70+, C 55+,
D 40+, E 25+, F below 25. A body with no responses due yet gets no grade.

Commitments kept = (answers "done" + half the answers "partly") / all answers, from the people who
asked, about the card's commitments. Fewer than 5 answers give no figure (the small-number rule).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime

from civic.core.i18n import lazy_gettext
from civic.core.publish import SMALL_BELOW

GRADE_BANDS = ((85.0, "A"), (70.0, "B"), (55.0, "C"), (40.0, "D"), (25.0, "E"))
FORMULA = lazy_gettext(
    "Score = the weighted average, out of 100, of: share of responses on time (weight 60), "
    "(average satisfaction − 1) ÷ 4 (weight 40) and share of commitments kept (weight 20). "
    "A part with no figure (no ratings, or fewer than 5 answers about commitments) is left out and the "
    "others share its weight; when there are no ratings, timeliness is the whole score. "
    "A is 85 or more, B 70, C 55, D 40, E 25, F below 25."
)
KEPT_FORMULA = lazy_gettext(
    "Commitments kept = (answers “done” + ½ × answers “partly”) ÷ all answers, from the people who asked, "
    "about this card's commitments once they were due or marked done. "
    "With fewer than 5 answers no figure is shown."
)
KEPT_MIN_ANSWERS = SMALL_BELOW  # the one small-number threshold of civic.core.publish
WEIGHTS = (60.0, 40.0, 20.0)  # on time, satisfaction, commitments kept


@dataclass(frozen=True)
class Due:
    """One response that fell due: when it was due and when (if ever) it was published."""

    due_at: datetime
    published_at: datetime | None


@dataclass(frozen=True)
class Timeliness:
    due: int
    on_time: int
    overdue_open: int
    median_days_late: float | None

    @property
    def share_on_time(self) -> float | None:
        return None if self.due == 0 else self.on_time / self.due


def timeliness(items: list[Due], now: datetime) -> Timeliness:
    """Only responses whose due date has passed, or that were published, count as due."""
    counted = [item for item in items if item.due_at <= now or item.published_at is not None]
    on_time = sum(1 for item in counted if item.published_at is not None and item.published_at <= item.due_at)
    late_days = [
        ((item.published_at or now) - item.due_at).total_seconds() / 86400
        for item in counted
        if (item.published_at or now) > item.due_at
    ]
    overdue_open = sum(1 for item in counted if item.published_at is None and item.due_at < now)
    median = round(statistics.median(late_days), 1) if late_days else None
    return Timeliness(due=len(counted), on_time=on_time, overdue_open=overdue_open, median_days_late=median)


def commitments_kept(done: int, partly: int, not_done: int) -> float | None:
    """The share of answers saying a commitment was kept, a partly done one counting half."""
    total = done + partly + not_done
    if total < KEPT_MIN_ANSWERS:
        return None
    return round((done + partly / 2) / total, 3)


def grade_score(
    share_on_time: float | None, average_satisfaction: float | None, kept: float | None = None
) -> float | None:
    if share_on_time is None:
        return None
    satisfaction = None if average_satisfaction is None else (average_satisfaction - 1) / 4
    parts = [
        (w, v) for w, v in zip(WEIGHTS, (share_on_time, satisfaction, kept), strict=True) if v is not None
    ]
    total = sum(w * v for w, v in parts)
    weight = sum(w for w, _ in parts)
    return round(total / (weight / 100), 1)


def letter(score: float | None) -> str | None:
    if score is None:
        return None
    for floor, grade in GRADE_BANDS:
        if score >= floor:
            return grade
    return "F"


def per_thousand(count: int, population: int) -> float | None:
    return None if population <= 0 else round(1000 * count / population, 2)


def percent(part: int, whole: int) -> float | None:
    """A whole-number percentage, or None when there is nothing to take a share of."""
    return None if whole <= 0 else round(100 * part / whole)
