"""A voter's own share, worked out from the stored count alone: every supporter's payments add up to
each project's cost, they are what the engine charged, and the sentences are plain and true."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import given, settings

from civic.budgets import shares, tally
from civic.budgets.demo import LAST_PROJECTS
from tests.budgets.test_add1 import build, elections, skewed

JARGON = re.compile(r"\b(rho|completion|add1|mes|equal shares|tie-break|pabulib|algorithm)\b", re.IGNORECASE)
PROJECTS = [
    tally.Project("1", 18_000),
    tally.Project("2", 9_500),
    tally.Project("3", 6_000),
    tally.Project("4", 4_500),
]
TITLES = {"1": "Skate park lights", "2": "Music studio", "3": "Girls' football", "4": "Art wall"}


def stored(outcome: tally.Outcome) -> dict[str, object]:
    """The area as the site stores it: through JSON and back, as `outcome_json` is."""
    area: dict[str, object] = json.loads(json.dumps({"area_id": None, "name": "All", **outcome.as_json()}))
    return area


def check_payments_add_up(projects: list[tally.Project], budget: int, ballots: list[set[str]]) -> int:
    """Every voter's payments, from the stored count and their own ballot, add up to the cost of each
    project funded from shares; returns how many projects were checked."""
    outcome = tally.tally(projects, budget, ballots, rule="mes")
    area = stored(outcome)
    prices = shares.stored_prices(area)
    assert prices is not None
    share = Fraction(str(area["voter_share"]))
    paid: Counter[str] = Counter()
    for ballot in ballots:
        for pid, amount in shares.payments(share, prices, ballot):
            assert 0 <= amount <= share
            paid[pid] += amount  # type: ignore[assignment]
    costs = {p.id: p.cost for p in projects}
    from_shares = [p.id for p in outcome.projects if p.stage == "mes"]
    assert sorted(from_shares) == sorted(pid for pid, _ in prices)
    for pid in from_shares:
        assert paid[pid] == costs[pid], pid
    return len(from_shares)


@settings(max_examples=150, deadline=None)
@given(elections)
def test_on_generated_elections_the_payments_of_all_voters_add_up_to_each_cost(data) -> None:  # type: ignore[no-untyped-def]
    projects, budget, ballots = build(data)
    if ballots:
        check_payments_add_up(projects, budget, ballots)


@pytest.mark.parametrize("seed", range(4))
def test_on_skewed_elections_with_many_steps_the_payments_add_up(seed: int) -> None:
    assert check_payments_add_up(*skewed(seed, 300, 12)) > 0


def demo_ballots() -> dict[str, list[set[str]]]:
    """The demo's published 2026 ballots, drawn exactly as `civic.budgets.demo` draws them."""
    rnd = random.Random(2026)
    numbered = [(str(n), area) for n, (_, _, area) in enumerate(LAST_PROJECTS, start=1)]
    ballots: dict[str, list[set[str]]] = {"North": [], "Central": []}
    for i in range(140):
        area = "North" if i % 2 else "Central"
        mine = [n for n, a in numbered if a == area]
        ballots[area].append(set(rnd.sample(mine, rnd.randint(1, 3))))
        rnd.choice(["11-13", "14-16", "14-16", "17-19"])  # the age band the demo draws next
    return ballots


def test_on_the_demo_count_the_payments_add_up_in_each_area() -> None:
    costs = {str(n): cost for n, (_, cost, _) in enumerate(LAST_PROJECTS, start=1)}
    for area, ballots in demo_ballots().items():
        numbers = [str(n) for n, (_, _, a) in enumerate(LAST_PROJECTS, start=1) if a == area]
        projects = [tally.Project(n, costs[n]) for n in numbers]
        assert check_payments_add_up(projects, 20_000, ballots) > 0


@pytest.mark.parametrize("seed", range(4))
def test_each_voters_payments_are_what_the_engine_charged(seed: int) -> None:
    projects, budget, ballots = skewed(seed, 200, 10)
    election = tally._prepare(projects, budget, ballots, None)
    run, share, _ = tally._mes_with_add1(election, 1)
    engine = tally._engine(election)
    outcome = tally.tally(projects, budget, ballots, rule="mes")
    area = stored(outcome)
    prices = shares.stored_prices(area)
    assert prices is not None and Fraction(str(area["voter_share"])) == share
    ids = [p.id for p in projects]
    assert prices == [(ids[f], run.price[f]) for f in run.funded]  # stored exactly as the engine priced
    engine_prices = [run.price[f] for f in run.funded]
    for row, chosen in enumerate(election.types):
        paid = shares.payments(share, prices, {ids[i] for i in chosen})
        # what the voter has left is the engine's own money of that ballot after the run
        left = share - sum((amount for _, amount in paid), Fraction(0))
        assert left == engine._exact_money(row, share, run.funded, engine_prices)
        # and at each project, the engine charges min(what they had, the price)
        had = share
        for pid, amount in paid:
            price = run.price[ids.index(pid)]
            assert amount == min(had, price)
            had -= amount


def test_the_worked_example_in_plain_words() -> None:
    ballots = [["1", "4"]] * 6 + [["2"]] * 2 + [["3", "2"]]
    area = stored(tally.tally(PROJECTS, 30_000, ballots, rule="mes"))
    skater = shares.your_share(area, ["1", "4"], TITLES)
    assert skater.share == Fraction(11_248, 3)
    assert skater.sentences[:4] == [
        "Your share was £3,749.33. Everyone who voted had the same share.",
        "You helped pay for Art wall.",
        "You paid £750 towards Art wall.",
        "£2,999.33 of your share was not used.",
    ]
    assert skater.sentences[4].startswith(
        "Skate park lights, which you chose, was not funded, because it cost more than the money the "
        "people who chose it had left."
    )
    assert "£17,996 left between them" in skater.text and "only £16,000 of the budget was left" in skater.text
    assert [(p.title, p.shown) for p in skater.paid] == [("Art wall", "£750")]
    footballer = shares.your_share(area, ["2", "3"], TITLES)
    assert "You paid £3,166.67 towards Music studio." in footballer.sentences
    assert "Girls' football, which you chose, was paid for at the end, from the money that was left over" in (
        footballer.text
    )
    for text in (skater.text, footballer.text):
        assert not JARGON.search(text), text


def test_a_project_too_dear_for_the_area_and_one_left_out_by_the_council() -> None:
    projects = [*PROJECTS, tally.Project("5", 50_000)]
    titles = {**TITLES, "5": "Swimming pool"}
    ballots = [["1", "4", "5"]] * 3 + [["2", "3"]] * 3
    area = stored(tally.tally(projects, 30_000, ballots, rule="mes", excluded={"3": "The pitch is closing"}))
    mine = shares.your_share(area, ["1", "4", "5"], titles, has_areas=True)
    assert (
        "Swimming pool, which you chose, was not funded, because it cost £50,000, more than your "
        "area's whole budget of £30,000." in mine.sentences
    )
    other = shares.your_share(area, ["2", "3"], titles)
    assert (
        "Girls' football, which you chose, was not counted, because the council took it out of the count. "
        "Their reason: The pitch is closing" in other.sentences
    )


def test_counts_without_shares_say_so_plainly() -> None:
    ballots = [["1", "4"]] * 6 + [["2"]] * 2
    old = stored(tally.tally(PROJECTS, 30_000, ballots, rule="mes"))
    del old["shares"]  # a result stored before shares were kept
    before = shares.your_share(old, ["1"], TITLES)
    assert before.share is None and before.sentences == [shares.NOT_KEPT]
    greedy = shares.your_share(stored(tally.tally(PROJECTS, 30_000, ballots)), ["4", "2"], TITLES)
    assert greedy.share is None and greedy.sentences == [
        shares.NO_SHARES,
        "Art wall, which you chose, was funded.",
        "Music studio, which you chose, was not funded, because there was not enough money left when its turn came.",
    ]
