"""Equal shares against pabutools' own `method_of_equal_shares`, and where Add1 deliberately differs.

`pabutools_ref.reference` runs pabutools' MES scheme inside the Add1 loop the issue defines; these tests
check the pieces separately: plain MES (no Add1, no completion) must match pabutools' public
`method_of_equal_shares` with `Cost_Sat` exactly, and pabutools' iterated variant
(`voter_budget_increment=1`), which stops at the first exhaustive outcome, differs from ours only where
raising the shares further still fits the budget.
"""

from __future__ import annotations

import random
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from civic.budgets import pabulib
from civic.budgets.tally import Project, equal_shares, id_key, tally
from tests.budgets.pabutools_ref import reference
from tests.budgets.test_tally import build, instances

DATA = Path(__file__).parent / "data"


def pabutools_mes(
    projects: list[Project],
    budget: int,
    ballots: list[set[str]],
    *,
    add1: bool = False,
    complete: bool = False,
) -> list[str]:
    """pabutools' `method_of_equal_shares` with cost satisfaction and our tie-breaking."""
    from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance
    from pabutools.election import Project as PbProject
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
    from pabutools.tiebreaking import TieBreakingRule

    pb = {p.id: PbProject(p.id, p.cost) for p in projects}
    instance = Instance(pb.values(), budget_limit=budget)
    profile = ApprovalProfile([ApprovalBallot(pb[i] for i in b) for b in ballots])
    votes = {p.id: sum(1 for b in ballots if p.id in b) for p in projects}
    tie = TieBreakingRule(lambda inst, prof, proj: (proj.cost, -votes[proj.name], id_key(proj.name)))
    out: Any = method_of_equal_shares(
        instance, profile, sat_class=Cost_Sat, tie_breaking=tie, voter_budget_increment=1 if add1 else None
    )
    if complete:
        out = greedy_utilitarian_welfare(
            instance, profile, sat_class=Cost_Sat, tie_breaking=tie, initial_budget_allocation=out
        )
    return sorted(p.name for p in out)


def plain(projects: list[Project], budget: int, ballots: list[set[str]]) -> list[str]:
    """Our MES without Add1 or completion, less free projects: with cost satisfaction a free project
    gives nobody any satisfaction, so pabutools leaves it to the completion step, while the issue's
    definition funds it at rho 0 before anything else. Either way it is funded and charges nobody."""
    free = {p.id for p in projects if p.cost == 0}
    return sorted(i for i in equal_shares(projects, budget, ballots) if i not in free)


def load(name: str) -> tuple[list[Project], int, list[set[str]]]:
    pb = pabulib.parse((DATA / name).read_text(encoding="utf-8"))
    return pb.tally_projects(), pb.budget, [set(b) for b in pb.ballots]


@settings(max_examples=150, deadline=None)
@given(instances)
def test_plain_equal_shares_matches_pabutools_method_of_equal_shares(data) -> None:  # type: ignore[no-untyped-def]
    projects, budget, ballots = build(data)
    assert plain(projects, budget, ballots) == pabutools_mes(projects, budget, ballots)


@pytest.mark.parametrize("seed", range(4))
def test_plain_equal_shares_matches_pabutools_with_many_voters_and_ties(seed: int) -> None:
    # Enough voters for the numpy search to matter, and costs from a short list so that ties are common.
    r = random.Random(500 + seed)
    for _ in range(4):
        m, n = r.randint(6, 14), r.randint(150, 600)
        projects = [Project(str(i + 1), r.choice([500, 1000, 1000, 2500, 4000])) for i in range(m)]
        budget = r.randint(4_000, 20_000)
        weights = [r.random() for _ in projects]
        ballots = [{p.id for p in r.choices(projects, weights=weights, k=r.randint(1, 4))} for _ in range(n)]
        assert plain(projects, budget, ballots) == pabutools_mes(projects, budget, ballots)


@pytest.mark.parametrize("seed", range(3))
def test_both_rules_agree_with_pabutools_with_many_voters(seed: int) -> None:
    r = random.Random(900 + seed)
    m, n = r.randint(8, 12), r.randint(200, 400)
    projects = [Project(str(i + 1), r.choice([1000, 2000, 2000, 3000, 5000])) for i in range(m)]
    budget = r.randint(6_000, 15_000)
    weights = [r.random() for _ in projects]
    ballots = [{p.id for p in r.choices(projects, weights=weights, k=r.randint(1, 4))} for _ in range(n)]
    for rule in ("greedy", "mes"):
        ours = sorted(tally(projects, budget, ballots, rule=rule).selected)  # type: ignore[arg-type]
        assert ours == reference(projects, budget, ballots, rule), rule


def test_add1_keeps_raising_past_the_first_exhaustive_outcome() -> None:
    projects, budget, ballots = load("hand_add1.pb")
    # Shares of £80/3. The ramp (3, £60) needs £30 from each of its two supporters and is out of reach;
    # the chess sets (2, £10) and the games (1, £20) are bought by one voter each: £30 spent, and the £50
    # left cannot buy the ramp, so this outcome is exhaustive and pabutools' iterated MES stops here.
    assert pabutools_mes(projects, budget, ballots) == ["1", "2"]
    assert pabutools_mes(projects, budget, ballots, add1=True, complete=True) == ["1", "2"]
    # The Add1 keeps raising while the outcome fits: from £30 shares the ramp (rho 1/2) comes
    # first, then the games; at £40 the chess sets would also be bought (£90 > £80), so the last share
    # that fits is £80/3 + £13 = £119/3, and £80 of £80 is spent on what two of the three voters chose.
    ours = tally(projects, budget, ballots, rule="mes")
    assert ours.selected == ("3", "1") and ours.spent == 80
    assert ours.voter_share == Fraction(119, 3) and ours.add1_steps == 13
    assert reference(projects, budget, ballots, "mes") == ["1", "3"]


def test_add1_agrees_with_pabutools_iterated_mes_when_the_first_exhaustive_outcome_is_the_last_that_fits() -> (
    None
):
    projects, budget, ballots = load("hand_mes.pb")
    assert pabutools_mes(projects, budget, ballots, add1=True, complete=True) == sorted(
        tally(projects, budget, ballots, rule="mes").selected
    )


def test_when_every_chosen_project_fits_equal_shares_funds_them_all_itself() -> None:
    # Shares of £50. A (£40) costs its two supporters £20 each; voter 1 keeps £30, too little for B.
    # A and B fit together (£80 of £100), so every outcome fits and raising never stops by itself; it
    # tends to the outcome from £80 shares on, where voter 1 also pays for B, and that one is kept:
    # B is funded by equal shares, not in the completion step. Nobody chose C (£30) and £20 is left.
    projects = [Project("A", 40), Project("B", 40), Project("C", 30)]
    outcome = tally(projects, 100, [{"A", "B"}, {"A"}], rule="mes")
    stages = {p.id: p.stage for p in outcome.projects}
    assert stages == {"A": "mes", "B": "mes", "C": "not funded"}
    assert outcome.voter_share == 80 and outcome.add1_steps == 30
    assert outcome.selected == ("A", "B")


@pytest.mark.parametrize("name", ["hand_mes.pb", "hand_ties.pb", "hand_add1.pb", "hand_named.pb"])
def test_plain_equal_shares_on_hand_made_files_matches_pabutools(name: str) -> None:
    projects, budget, ballots = load(name)
    assert plain(projects, budget, ballots) == pabutools_mes(projects, budget, ballots)
