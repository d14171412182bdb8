"""The Wilson score interval against published values, and the small-number rule on shares."""

from __future__ import annotations

import pytest

from civic.surveys.estimates import estimate, wilson
from civic.surveys.questions import BY_CODE, positive_count

# Newcombe (1998), "Two-sided confidence intervals for the single proportion: comparison of seven
# methods", Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score, no continuity correction).
NEWCOMBE = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


@pytest.mark.parametrize(("positive", "total", "low", "high"), NEWCOMBE)
def test_wilson_matches_newcombes_published_intervals(
    positive: int, total: int, low: float, high: float
) -> None:
    got_low, got_high = wilson(positive, total)
    assert round(got_low, 4) == low
    assert round(got_high, 4) == high


def test_wilson_is_symmetric_and_stays_within_zero_and_one() -> None:
    low, high = wilson(20, 20)
    assert high == 1.0 and round(low, 4) == round(1 - wilson(0, 20)[1], 4)
    low, high = wilson(3, 10)
    mirrored = wilson(7, 10)
    assert round(low, 6) == round(1 - mirrored[1], 6) and round(high, 6) == round(1 - mirrored[0], 6)


@pytest.mark.parametrize(("positive", "total"), [(1, 0), (-1, 5), (6, 5)])
def test_wilson_refuses_impossible_counts(positive: int, total: int) -> None:
    with pytest.raises(ValueError, match="positive <= total"):
        wilson(positive, total)


def test_fewer_than_five_answers_give_no_figure() -> None:
    for total in range(0, 5):
        result = estimate(min(total, 2), total)
        assert not result.shown and result.percent is None and result.low is None
    shown = estimate(81, 263)
    assert shown.shown
    assert (shown.percent, shown.low, shown.high) == (30.8, 25.5, 36.6)


def test_the_headline_share_counts_only_the_positive_answers() -> None:
    question = BY_CODE["influence"]
    counts = {"strongly_agree": 3, "tend_to_agree": 4, "neither": 5, "dont_know": 2}
    assert positive_count(question, counts) == 7
