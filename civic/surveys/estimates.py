"""Shares with their 95% confidence interval (Wilson score interval), and the small-number rule.

Wilson's interval rather than the textbook "p plus or minus 1.96 standard errors": that one can run
below 0% or above 100% and is far too narrow for the small samples a ward gives (Newcombe 1998,
"Two-sided confidence intervals for the single proportion", Statistics in Medicine 17, 857-872).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from civic.core.publish import SMALL_BELOW  # the one threshold: fewer than 5 answers show no figure

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution


def wilson(positive: int, total: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for `positive` out of `total`, as proportions from 0 to 1."""
    if total <= 0 or not 0 <= positive <= total:
        raise ValueError("need 0 <= positive <= total and total > 0")
    p = positive / total
    z2 = z * z
    denominator = 1 + z2 / total
    centre = (p + z2 / (2 * total)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total))
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Estimate:
    """One headline share as published: None figures when there are too few answers to show."""

    answers: int
    positive: int
    percent: float | None
    low: float | None
    high: float | None

    @property
    def shown(self) -> bool:
        return self.percent is not None


def estimate(positive: int, total: int) -> Estimate:
    """Percentages to one decimal place. With 1 to 4 answers no figure is given (the share of so few
    people could point to them, and would say nothing reliable); with none there is nothing to give."""
    if total < SMALL_BELOW:
        return Estimate(total, positive, None, None, None)
    low, high = wilson(positive, total)
    return Estimate(
        total, positive, round(100 * positive / total, 1), round(100 * low, 1), round(100 * high, 1)
    )
