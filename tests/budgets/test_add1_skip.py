"""Add1's start without runs (`add1.unaffordable_from`): every share it passes over funds projects that
fit in the budget, shown by running MES there, and the engines that use it count exactly what the
stepping engine (the definition, which does not use it) counts."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civic.budgets import add1
from civic.budgets.tally import Project, _engine, _prepare, _supported, tally
from tests.budgets.test_add1 import build, skewed

# Budgets large against the costs, so that the base share is often below what the dear projects need
# and the start without runs passes over several shares; free projects and ties included.
COSTS = st.sampled_from([0, 5, 10, 10, 40, 60, 100, 100, 250, 600])
elections = st.integers(min_value=1, max_value=7).flatmap(
    lambda m: st.tuples(
        st.lists(COSTS, min_size=m, max_size=m),
        st.integers(min_value=0, max_value=1500),
        st.lists(
            st.tuples(st.sets(st.integers(min_value=1, max_value=m)), st.integers(min_value=1, max_value=9)),
            min_size=1,
            max_size=8,
        ),
    )
)


@settings(max_examples=150, deadline=None)
@given(elections, st.integers(min_value=1, max_value=5))
def test_every_share_passed_without_a_run_funds_what_fits_and_not_everything(data, increment) -> None:  # type: ignore[no-untyped-def]
    projects, budget, ballots = build(data)
    election = _prepare(projects, budget, ballots, None)
    engine, live = _engine(election), _supported(election)
    base = Fraction(budget, len(ballots))
    skipped = add1.unaffordable_from(engine, budget, base, increment, live)
    if sum(engine.costs[p] for p in live) <= budget:
        assert skipped == 0  # every outcome fits: Add1 takes another path (`add1.every_outcome_fits`)
        return
    for k in range(skipped + 1):
        funded = engine.run(base + k * increment, live).funded
        assert sum(engine.costs[p] for p in funded) <= budget
        assert set(funded) != set(live)


@settings(max_examples=150, deadline=None)
@given(elections, st.integers(min_value=1, max_value=5))
def test_the_default_and_the_exact_jumping_engines_count_what_stepping_counts(data, increment) -> None:  # type: ignore[no-untyped-def]
    projects, budget, ballots = build(data)
    stepping = tally(projects, budget, ballots, rule="mes", increment=increment, stepping=True)
    assert tally(projects, budget, ballots, rule="mes", increment=increment) == stepping
    assert tally(projects, budget, ballots, rule="mes", increment=increment, exact_only=True) == stepping


def test_the_share_at_which_a_dear_project_becomes_affordable_is_run() -> None:
    # 12 voters and a budget of 60 (a share of 5): 10 chose the dear project (100), 2 a cheap one (10).
    # The dear one becomes affordable at a share of exactly 10 and then overspends: shares 5 to 9 need
    # no run, 10 does.
    projects = [Project("1", 100), Project("2", 10)]
    ballots = [{"1"}] * 10 + [{"2"}] * 2
    election = _prepare(projects, 60, ballots, None)
    engine, live = _engine(election), _supported(election)
    assert add1.unaffordable_from(engine, 60, Fraction(5), 1, live) == 4
    assert sorted(engine.run(Fraction(10), live).funded) == [0, 1]
    assert engine.run(Fraction(9), live).funded == [1]
    counts: Counter[str] = Counter()
    outcome = tally(projects, 60, ballots, rule="mes", counts=counts)
    assert outcome == tally(projects, 60, ballots, rule="mes", stepping=True)
    assert outcome.add1_steps == 4 and outcome.voter_share == 9
    assert counts["steps without a run"] == 4
    assert counts["float runs"] == 2  # at shares 9 and 10 (which overspends); 9 is then run exactly


@pytest.mark.parametrize("seed", range(4))
def test_skewed_elections_pass_over_shares_and_count_as_stepping(seed: int) -> None:
    projects, budget, ballots = skewed(seed, 400, 14)
    counts: Counter[str] = Counter()
    default = tally(projects, budget, ballots, rule="mes", counts=counts)
    assert default == tally(projects, budget, ballots, rule="mes", stepping=True)
    assert counts["steps without a run"] > 0
    # one float run for each step not passed over, one for the share that overspends, none refused
    assert counts["float runs"] == default.add1_steps - counts["steps without a run"] + 2
