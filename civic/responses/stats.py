"""Pure report-card arithmetic: timeliness, satisfaction and the letter grade. No IO.

The grade formula (also stated on every report card):
    score = 60 x (share of responses published on time) + 40 x (average satisfaction - 1) / 4
When nobody has rated yet, timeliness counts for the whole score. Grades: A 85+, B 70+, C 55+, D 40+,
E 25+, F below 25. A body with no responses due yet gets no grade.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime

from civic.core.i18n import lazy_gettext

GRADE_BANDS = ((85.0, "A"), (70.0, "B"), (55.0, "C"), (40.0, "D"), (25.0, "E"))
FORMULA = lazy_gettext(
    "Score = 60 × share of responses on time + 40 × (average satisfaction − 1) ÷ 4; "
    "when there are no ratings, timeliness is the whole score. A is 85 or more, B 70, C 55, D 40, E 25, F below 25."
)


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


def grade_score(share_on_time: float | None, average_satisfaction: float | None) -> float | None:
    if share_on_time is None:
        return None
    if average_satisfaction is None:
        return round(100 * share_on_time, 1)
    return round(60 * share_on_time + 40 * (average_satisfaction - 1) / 4, 1)


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
