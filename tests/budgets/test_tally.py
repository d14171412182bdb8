"""The rule engine: hand-worked examples, properties, and agreement with pabutools."""

from __future__ import annotations

import random
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civic.budgets import pabulib
from civic.budgets.tally import Project, TallyError, id_key, tally
from tests.budgets.pabutools_ref import reference

DATA = Path(__file__).parent / "data"


def load(name: str) -> pabulib.PbFile:
    return pabulib.parse((DATA / name).read_text(encoding="utf-8"))


# --- hand-worked examples (the arithmetic is in the comments) ----------------------------------------


def test_greedy_funds_the_two_most_popular_projects() -> None:
    pb = load("hand_mes.pb")
    outcome = tally(pb.tally_projects(), pb.budget, pb.ballots, rule="greedy")
    # 1 and 2 both have 7 votes; the cheaper (2, £40) goes first, then 1 (£60): £100 spent, none left.
    assert outcome.selected == ("2", "1")
    assert outcome.spent == 100
    row = {p.id: p for p in outcome.projects}
    assert row["3"].money_left == 0 and not row["3"].funded
    assert "£0 was left" in row["3"].explanation


def test_equal_shares_gives_the_minority_its_fair_share() -> None:
    pb = load("hand_mes.pb")
    outcome = tally(pb.tally_projects(), pb.budget, pb.ballots, rule="mes")
    # Shares of £10. Round 1: rho(1) = rho(2) = 1/7, the tie goes to the cheaper 2; its 7 supporters pay
    # £40/7 each and keep £30 between them, too little for 1 (£60). The 3 others fund 4 (£20, rho 1/3)
    # and keep £10, too little for 3. Add1 raises shares to £11, £12, £13, £14 with the same outcome; at
    # £15 the majority can also afford 1 and the outcome (£120) no longer fits, so £14 is kept.
    # Completion with the £40 left funds 3 (£30); 1 (£60) still does not fit.
    assert outcome.selected == ("2", "4", "3")
    assert outcome.spent == 90
    assert outcome.voter_share == 14 and outcome.add1_steps == 4
    row = {p.id: p for p in outcome.projects}
    assert row["2"].stage == "mes" and row["4"].stage == "mes"
    assert row["3"].stage == "completion"
    assert row["1"].stage == "not funded"
    # with £14 shares the majority keep 7 x (14 - 40/7) = £58 < £60
    assert row["1"].money_left == 58
    assert "none paying more than £5.71" in row["2"].explanation


def test_ties_go_to_the_cheaper_project_then_more_votes_then_the_lower_id() -> None:
    pb = load("hand_ties.pb")
    greedy = tally(pb.tally_projects(), pb.budget, pb.ballots, rule="greedy")
    # all have 2 votes: 3 is cheapest; 2 and 10 cost the same, and id 2 < id 10 (compared as numbers)
    assert greedy.selected == ("3", "2")
    mes = tally(pb.tally_projects(), pb.budget, pb.ballots, rule="mes")
    assert mes.selected == ("3", "2")
    assert mes.voter_share == Fraction(59, 2)  # £12.50 + 17 steps: at £30 project 10 would also be funded


def test_more_votes_breaks_a_tie_of_points_and_cost() -> None:
    projects = [Project("1", 10), Project("2", 10)]
    ballots = [{"1": 4}, {"2": 2}, {"2": 2}]  # 4 points each; 2 has more voters
    assert tally(projects, 10, ballots, rule="greedy").selected == ("2",)


def test_equal_shares_ties_on_rho_and_cost_go_to_the_lower_id() -> None:
    projects = [Project("b", 10), Project("a", 10)]
    ballots = [{"a"}, {"a"}, {"b"}, {"b"}, {"a", "b"}]
    # both have 3 supporters and cost 10: same rho (1/3), same cost, same votes, so the id decides
    assert tally(projects, 10, ballots, rule="mes").selected[0] == "a"


def test_a_project_nobody_chose_is_still_funded_by_greedy_if_money_is_left() -> None:
    out = tally([Project("1", 5), Project("2", 5)], 10, [{"1"}], rule="greedy")
    assert out.selected == ("1", "2")


def test_no_ballots_and_zero_budget() -> None:
    assert tally([Project("1", 5)], 0, [], rule="mes").selected == ()
    assert tally([Project("1", 5)], 5, [], rule="mes").selected == ("1",)  # completion only
    assert tally([], 100, [], rule="greedy").spent == 0


def test_excluded_projects_take_no_part_and_say_why() -> None:
    projects = [Project("1", 50), Project("2", 50), Project("3", 60)]
    ballots = [{"1", "3"}, {"1"}, {"2"}]
    out = tally(projects, 100, ballots, rule="greedy", excluded={"1": "Incompatible with project 3"})
    assert "1" not in out.selected
    row = {p.id: p for p in out.projects}["1"]
    assert row.stage == "excluded" and "Incompatible with project 3" in row.explanation
    assert tally(projects, 100, ballots, rule="mes", excluded={"1": "withdrawn"}).selected.count("1") == 0


def test_scored_ballots_order_greedy_by_points() -> None:
    projects = [Project("1", 10), Project("2", 10)]
    ballots = [{"1": 1, "2": 5}, {"1": 2}]
    assert tally(projects, 10, ballots, rule="greedy").selected == ("2",)


@pytest.mark.parametrize(
    ("projects", "budget", "ballots", "message"),
    [
        ([Project("1", -1)], 10, [], "whole number"),
        ([Project("1", 1), Project("1", 2)], 10, [], "twice"),
        ([Project("1", 1)], -5, [], "budget"),
        ([Project("1", 1)], 10, [{"9"}], "not in the list"),
    ],
)
def test_bad_input_is_refused_with_a_reason(
    projects: list[Project], budget: int, ballots: list[set[str]], message: str
) -> None:
    with pytest.raises(TallyError, match=message):
        tally(projects, budget, ballots)


def test_unknown_rule_is_refused() -> None:
    with pytest.raises(TallyError):
        tally([], 0, [], rule="borda")  # type: ignore[arg-type]


def test_ids_compare_naturally() -> None:
    assert sorted(["10", "2", "b", "a", "1"], key=id_key) == ["1", "2", "10", "a", "b"]


# --- properties ----------------------------------------------------------------------------------------

instances = st.integers(min_value=1, max_value=7).flatmap(
    lambda m: st.tuples(
        st.lists(st.integers(min_value=0, max_value=40), min_size=m, max_size=m),
        st.integers(min_value=0, max_value=80),
        st.lists(st.sets(st.integers(min_value=1, max_value=m)), max_size=12),
    )
)


def build(data: tuple[list[int], int, list[set[int]]]) -> tuple[list[Project], int, list[set[str]]]:
    costs, budget, ballots = data
    projects = [Project(str(i + 1), c) for i, c in enumerate(costs)]
    return projects, budget, [{str(i) for i in b} for b in ballots]


@settings(max_examples=150, deadline=None)
@given(instances, st.sampled_from(["greedy", "mes"]))
def test_outcomes_fit_the_budget_and_leave_nothing_that_fits(data, rule) -> None:  # type: ignore[no-untyped-def]
    projects, budget, ballots = build(data)
    out = tally(projects, budget, ballots, rule=rule)
    costs = {p.id: p.cost for p in projects}
    assert len(set(out.selected)) == len(out.selected)
    assert out.spent == sum(costs[i] for i in out.selected) <= budget
    left = budget - out.spent
    assert all(costs[p.id] > left for p in projects if p.id not in out.selected)  # exhaustive
    assert [p.id for p in out.projects if p.funded] == [p.id for p in out.projects][: len(out.selected)]


@settings(max_examples=100, deadline=None)
@given(instances, st.sampled_from(["greedy", "mes"]), st.randoms(use_true_random=False))
def test_order_of_ballots_and_projects_does_not_matter(data, rule, rnd) -> None:  # type: ignore[no-untyped-def]
    projects, budget, ballots = build(data)
    first = tally(projects, budget, ballots, rule=rule)
    rnd.shuffle(ballots)
    rnd.shuffle(projects)
    again = tally(projects, budget, ballots, rule=rule)
    assert first.selected == again.selected
    assert first.projects == again.projects


@settings(max_examples=100, deadline=None)
@given(instances)
def test_greedy_agrees_with_pabutools(data) -> None:  # type: ignore[no-untyped-def]
    projects, budget, ballots = build(data)
    assert sorted(tally(projects, budget, ballots, rule="greedy").selected) == reference(
        projects, budget, ballots, "greedy"
    )


@settings(max_examples=100, deadline=None)
@given(instances)
def test_equal_shares_agrees_with_pabutools(data) -> None:  # type: ignore[no-untyped-def]
    projects, budget, ballots = build(data)
    assert sorted(tally(projects, budget, ballots, rule="mes").selected) == reference(
        projects, budget, ballots, "mes"
    )


@pytest.mark.parametrize("seed", range(6))
def test_larger_generated_instances_with_many_ties_agree_with_pabutools(seed: int) -> None:
    r = random.Random(seed)
    for _ in range(12):
        m, n = r.randint(3, 12), r.randint(5, 60)
        projects = [Project(str(i + 1), r.choice([100, 200, 300, 500, 500, 1000])) for i in range(m)]
        budget = r.randint(300, 3000)
        ballots = [{p.id for p in projects if r.random() < 0.3} for _ in range(n)]
        for rule in ("greedy", "mes"):
            assert sorted(tally(projects, budget, ballots, rule=rule).selected) == reference(  # type: ignore[arg-type]
                projects, budget, ballots, rule
            ), (rule, projects, budget, ballots)


@pytest.mark.parametrize("name", ["hand_mes.pb", "hand_ties.pb", "hand_add1.pb", "hand_named.pb"])
@pytest.mark.parametrize("rule", ["greedy", "mes"])
def test_hand_made_files_agree_with_pabutools(name: str, rule: str) -> None:
    pb = load(name)
    ours = tally(pb.tally_projects(), pb.budget, pb.ballots, rule=rule)  # type: ignore[arg-type]
    assert sorted(ours.selected) == reference(
        pb.tally_projects(), pb.budget, [set(b) for b in pb.ballots], rule
    )


# --- pabulib ---------------------------------------------------------------------------------------------


def test_pabulib_round_trip_and_pabutools_reads_our_files() -> None:
    from pabutools.election.pabulib import parse_pabulib_from_string

    pb = load("hand_mes.pb")
    text = pabulib.write(pb.meta, pb.projects, pb.ballots)
    again = pabulib.parse(text)
    assert again.ballots == pb.ballots and again.budget == 100
    assert [(p.id, p.cost, p.name) for p in again.projects] == [(p.id, p.cost, p.name) for p in pb.projects]
    instance, profile = parse_pabulib_from_string(text)
    assert instance.budget_limit == 100 and profile.num_ballots() == 10


def test_pabulib_scored_votes_keep_their_points() -> None:
    text = pabulib.write({"budget": 10, "vote_type": "cumulative"}, [pabulib.PbProject("1", 5)], [{"1": 3}])
    assert pabulib.parse(text).ballots == [{"1": 3}]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("META\nkey;value\nnum_votes;0\nPROJECTS\nproject_id;cost\n", "no budget"),
        ("META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;2.5\n", "whole number"),
        (
            "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;2\nVOTES\nvoter_id;vote\n1;7\n",
            "not in PROJECTS",
        ),
        ("1;2\n", "before the META"),
        ("META\nkey;value\nbudget;ten\n", "must be a number"),
    ],
)
def test_bad_pabulib_files_are_refused_with_the_place(text: str, message: str) -> None:
    with pytest.raises(pabulib.PabulibError, match=message):
        pabulib.parse(text)


def test_mixed_approval_and_scored_ballots_add_up_points() -> None:
    projects = [Project("1", 10), Project("2", 10)]
    out = tally(projects, 10, [{"1"}, {"1"}, {"2": 3}], rule="greedy")
    assert out.selected == ("2",)  # 3 points beat 2
    assert {p.id: p.points for p in out.projects} == {"1": 2, "2": 3}


@pytest.mark.parametrize("seed", range(4))
def test_the_fast_and_the_exact_paths_of_equal_shares_agree(seed: int) -> None:
    r = random.Random(100 + seed)
    for _ in range(5):
        m, n = r.randint(5, 15), r.randint(200, 800)
        projects = [Project(str(i + 1), r.randrange(500, 20_000, 250)) for i in range(m)]
        budget = r.randint(10_000, 60_000)
        weights = [r.random() ** 2 for _ in projects]
        ballots = [{p.id for p in r.choices(projects, weights=weights, k=r.randint(1, 5))} for _ in range(n)]
        fast = tally(projects, budget, ballots, rule="mes")
        exact = tally(projects, budget, ballots, rule="mes", exact_only=True)
        assert fast == exact
