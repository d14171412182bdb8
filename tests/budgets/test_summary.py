"""The plain summary of a result: what was funded, what was left, why others were not, in short
sentences without the counting rule's jargon."""

from __future__ import annotations

import re

import pytest

from civic.budgets import summary, tally
from civic.core.publish import shown_count

PROJECTS = [
    tally.Project("1", 18_000),
    tally.Project("2", 9_500),
    tally.Project("3", 6_000),
    tally.Project("4", 4_500),
]
TITLES = {"1": "Skate park lights", "2": "Music studio", "3": "Girls' football", "4": "Art wall"}
JARGON = re.compile(r"\b(rho|completion|add1|mes|equal shares|tie-break|pabulib|algorithm)\b", re.IGNORECASE)


def sentences_of(parts: list[summary.AreaSummary]) -> list[str]:
    return [s for part in parts for s in re.split(r"(?<=\.) ", part.text)]


def summarise(rule: tally.Rule, ballots: list[list[str]], **kw: object) -> list[summary.AreaSummary]:
    outcome = tally.tally(PROJECTS, 30_000, ballots, rule=rule, **kw)  # type: ignore[arg-type]
    return summary.summary({"areas": [{"name": "All", **outcome.as_json()}]}, TITLES, shown_count)


def test_greedy_says_what_is_funded_what_is_left_and_why_the_rest_is_not() -> None:
    [part] = summarise("greedy", [["1", "4"]] * 6 + [["2"]] * 2)
    assert part.heading == ""  # one budget: no area heading
    assert part.sentences[:4] == [
        "8 young people voted.",
        "There was £30,000 to spend.",
        # skate park lights and the art wall tie on votes: the cheaper comes first
        "We will pay for 3 projects: Art wall, Skate park lights and Girls' football.",
        "That uses £28,500, and £1,500 is left over.",
    ]
    assert (
        "Music studio was not funded: there was not enough money left when its turn came." in part.sentences
    )


def test_equal_shares_explains_shared_costs_and_names_an_excluded_project_and_one_nobody_chose() -> None:
    [part] = summarise("mes", [["1", "4"]] * 6 + [["2"]], excluded={"3": "The pitch is being rebuilt"})
    text = part.text
    assert "The people who chose a project shared its cost between them." in text
    assert "Girls' football was not funded: the council took it out of the count." in text
    assert "Music studio was not funded: the people who chose it could not pay for it" in text


def test_a_long_list_of_unfunded_projects_points_to_the_table_and_small_counts_stay_hidden() -> None:
    projects = [tally.Project(str(n), 10_000) for n in range(1, 10)]
    outcome = tally.tally(projects, 10_000, [["1"], ["2"], ["3"]], rule="greedy")
    [part] = summary.summary({"areas": [{"name": "All", **outcome.as_json()}]}, {}, shown_count)
    assert part.sentences[0] == "Fewer than 5 young people voted."
    assert "8 other projects were not funded. The table below says why for each one." in part.sentences
    assert "We will pay for this project: Project 1." in part.sentences


def test_no_project_funded_and_areas_get_headings() -> None:
    outcome = tally.tally(PROJECTS, 1_000, [["1"]] * 5, rule="greedy").as_json()
    parts = summary.summary(
        {"areas": [{"name": "North", **outcome}, {"name": "South", **outcome}]}, TITLES, shown_count
    )
    assert [p.heading for p in parts] == ["North", "South"]
    assert "We could not pay for any project this time." in parts[0].sentences


@pytest.mark.parametrize("rule", ["greedy", "mes"])
def test_sentences_are_short_and_free_of_jargon(rule: tally.Rule) -> None:
    for sentence in sentences_of(summarise(rule, [["1", "4"]] * 6 + [["2", "3"]] * 3 + [[]])):
        assert len(sentence.split()) <= 25, sentence
        assert not JARGON.search(sentence), sentence
