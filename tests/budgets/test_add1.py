"""Add1: the default engine (certified float runs at each step) and the exact jumping engine give exactly
what the stepping engine (the definition) gives."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civic.budgets import add1
from civic.budgets.mes import EqualShares
from civic.budgets.mes_scan import ScanShares
from civic.budgets.tally import Project, tally

# Costs from a short list so that ties are common, with free projects and projects dearer than any
# budget drawn; ballots come with a count so that a few distinct ones make many voters, and the empty
# ballot (a voter who chose nothing) is allowed.
COSTS = st.sampled_from([0, 1, 3, 10, 10, 25, 40, 40, 100, 250, 1000])
elections = st.integers(min_value=1, max_value=8).flatmap(
    lambda m: st.tuples(
        st.lists(COSTS, min_size=m, max_size=m),
        st.integers(min_value=0, max_value=400),
        st.lists(
            st.tuples(st.sets(st.integers(min_value=1, max_value=m)), st.integers(min_value=1, max_value=9)),
            max_size=10,
        ),
    )
)


def build(
    data: tuple[list[int], int, list[tuple[set[int], int]]],
) -> tuple[list[Project], int, list[set[str]]]:
    costs, budget, counted = data
    projects = [Project(str(i + 1), c) for i, c in enumerate(costs)]
    ballots = [{str(i) for i in chosen} for chosen, count in counted for _ in range(count)]
    return projects, budget, ballots


@settings(max_examples=200, deadline=None)
@given(elections)
def test_the_default_and_the_stepping_engine_give_the_same_count(data) -> None:  # type: ignore[no-untyped-def]
    projects, budget, ballots = build(data)
    default = tally(projects, budget, ballots, rule="mes")
    stepping = tally(projects, budget, ballots, rule="mes", stepping=True)
    assert default == stepping  # same projects, order, share, number of steps and explanations


@settings(max_examples=60, deadline=None)
@given(elections, st.integers(min_value=1, max_value=7))
def test_jumping_and_stepping_agree_with_larger_increments_and_on_the_exact_path(data, increment) -> None:  # type: ignore[no-untyped-def]
    projects, budget, ballots = build(data)
    jumping = tally(projects, budget, ballots, rule="mes", increment=increment, exact_only=True)
    stepping = tally(projects, budget, ballots, rule="mes", increment=increment, stepping=True)
    assert jumping == stepping


def skewed(seed: int, voters: int, projects: int) -> tuple[list[Project], int, list[set[str]]]:
    """Popularity skewed like a city's, costs spread widely: elections that need many Add1 steps."""
    r = random.Random(seed)
    listed = [
        Project(str(i + 1), r.choice([500, 1000, 2000, 2000, 5000, 12_000, 40_000])) for i in range(projects)
    ]
    weights = [1 / (i + 1) for i in range(projects)]
    r.shuffle(weights)
    ballots = [{p.id for p in r.choices(listed, weights=weights, k=r.randint(1, 5))} for _ in range(voters)]
    return listed, r.randint(20_000, 60_000), ballots


@pytest.mark.parametrize("seed", range(6))
def test_the_default_and_stepping_agree_on_skewed_elections_with_many_steps(seed: int) -> None:
    projects, budget, ballots = skewed(seed, 300, 12)
    default = tally(projects, budget, ballots, rule="mes")
    stepping = tally(projects, budget, ballots, rule="mes", stepping=True)
    assert default == stepping
    assert default.add1_steps > 0
    assert tally(projects, budget, ballots, rule="mes", exact_only=True) == stepping  # exact jumps


class Counting(EqualShares):
    runs = 0

    def run(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        Counting.runs += 1
        return super().run(*args, **kwargs)


def test_jumping_skips_the_shares_that_cannot_change_the_outcome() -> None:
    # Two camps, the big one's projects far dearer than the small one's: the outcome holds for many
    # unit steps, and the jumping engine runs MES a few times where the stepping engine runs it each step.
    costs, types, weights = [600, 900, 50, 70], [(0, 1), (2,), (3,), ()], [40, 3, 2, 5]
    keys = [(c, 0, (0, i, "")) for i, c in enumerate(costs)]
    live, base = [0, 1, 2, 3], Fraction(700, 50)
    Counting.runs = 0
    kept, share, steps = add1.jumping(Counting(costs, types, weights, keys), 700, base, 1, live)
    jumped = Counting.runs
    Counting.runs = 0
    assert (kept, share, steps) == add1.stepping(Counting(costs, types, weights, keys), 700, base, 1, live)
    assert steps >= 10 and Counting.runs == steps + 2
    assert jumped < steps / 2


def engine_for(projects: list[Project], ballots: list[set[str]]) -> tuple[EqualShares, list[int]]:
    from civic.budgets.tally import _engine, _prepare, _supported

    election = _prepare(projects, 0, ballots, None)
    return _engine(election), _supported(election)


@settings(max_examples=100, deadline=None)
@given(elections, st.integers(min_value=1, max_value=12))
def test_a_certificate_holds_at_every_share_it_covers_and_a_failed_one_for_the_rounds_it_kept(
    data, reach
) -> None:  # type: ignore[no-untyped-def]
    projects, budget, ballots = build(data)
    if not ballots:
        return
    engine, live = engine_for(projects, ballots)
    share = Fraction(budget, len(ballots))
    run = engine.run(share, live)
    probe = add1.certificate(engine, run, share, share + reach, live)
    if probe.slack is not None:
        for k in range(1, reach + 1):
            assert engine.run(share + k, live).funded == run.funded
    later = engine.run(share + reach, live)
    kept = probe.state.funded
    assert later.funded[: len(kept)] == kept
    assert [later.price[p] for p in kept] == probe.state.prices


@settings(max_examples=150, deadline=None)
@given(elections, st.integers(min_value=0, max_value=40))
def test_a_float_run_either_gives_the_exact_runs_projects_or_refuses(data, rise) -> None:  # type: ignore[no-untyped-def]
    projects, budget, ballots = build(data)
    if not ballots:
        return
    engine, live = engine_for(projects, ballots)
    share = Fraction(budget, len(ballots)) + rise
    exact = engine.run(share, live).funded
    found = ScanShares(engine).funded(share, live)
    assert found is None or found == exact
    assert ScanShares(engine).funded(share, live, exact[::-1]) in (None, exact)  # a hint never decides


def test_float_runs_answer_on_a_city_shaped_election_and_the_exact_engine_agrees() -> None:
    projects, budget, ballots = skewed(7, 2000, 30)
    engine, live = engine_for(projects, ballots)
    scan = ScanShares(engine)
    base = Fraction(budget, len(ballots))
    answered = 0
    for rise in range(0, 40, 4):
        found = scan.funded(base + rise, live)
        if found is not None:
            answered += 1
            assert found == engine.run(base + rise, live).funded
    assert answered >= 8  # without near ties the floats decide, so Add1 rarely needs the exact engine


def test_a_float_run_refuses_an_exact_tie_which_the_tie_break_decides() -> None:
    # 1 and 2 cost the same and have 3 supporters each: the same rho, so only the tie-break (lower id)
    # can decide, and floats cannot see an exact tie: the float run refuses and the exact engine decides
    projects = [Project("1", 30), Project("2", 30), Project("3", 7)]
    ballots = [{"1"}, {"1"}, {"1", "2"}, {"2"}, {"2", "3"}]
    engine, live = engine_for(projects, ballots)
    assert ScanShares(engine).funded(Fraction(40), live) is None
    assert tally(projects, 40, ballots, rule="mes") == tally(projects, 40, ballots, rule="mes", stepping=True)
