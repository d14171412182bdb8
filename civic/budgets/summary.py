"""The plain summary of a budget result, for the young people who voted (a reading age of about 11:
short sentences, everyday words, no "rho" and no "completion step").

Pure: it reads a stored count (the `outcome_json` areas) and project titles, nothing else; the
results page and the results email show the same sentences. Counts of voters come in already shown
through the small-count rule (`shown`), because a pure module cannot know how the site shows them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from civic.budgets.tally import money
from civic.core.i18n import gettext, lazy_gettext, ngettext

LISTED = 5  # not-funded projects given a reason each; beyond this the table says why

HOW = {
    "greedy": lazy_gettext(
        "We put the projects in order, starting with the one with the most votes. "
        "We paid for each one if there was enough money left."
    ),
    "mes": lazy_gettext(
        "Everyone who voted got the same share of the money. "
        "The people who chose a project shared its cost between them. "
        "A project was paid for if the people who chose it had enough money between them. "
        "Money left at the end went to the most popular projects that still fitted."
    ),
}


@dataclass(frozen=True)
class AreaSummary:
    heading: str  # the area's name; empty when the process has one budget
    sentences: list[str]

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


def names(items: Sequence[str]) -> str:
    """A, B and C."""
    if len(items) <= 1:
        return "".join(items)
    return gettext("%(first)s and %(last)s", first=", ".join(items[:-1]), last=items[-1])


def _why_not(project: Mapping[str, Any], rule: str) -> str:
    if project["stage"] == "excluded":
        return gettext("the council took it out of the count")
    if not project["votes"]:
        return gettext("nobody voted for it")
    if rule == "mes":
        return gettext("the people who chose it could not pay for it, and too little was left at the end")
    return gettext("there was not enough money left when its turn came")


def _not_funded(area: Mapping[str, Any], title: Callable[[str], str], rule: str) -> list[str]:
    missed = [p for p in area["projects"] if not p["funded"]]
    if len(missed) > LISTED:
        return [
            gettext(
                "%(num)s other projects were not funded. The table below says why for each one.",
                num=len(missed),
            )
        ]
    return [
        gettext("%(title)s was not funded: %(why)s.", title=title(p["id"]), why=_why_not(p, rule))
        for p in missed
    ]


def area_summary(
    area: Mapping[str, Any], titles: Mapping[str, str], shown: Callable[[int], str], *, heading: str = ""
) -> AreaSummary:
    def title(pid: str) -> str:
        return titles.get(pid) or gettext("Project %(number)s", number=pid)

    rule = str(area["rule"])
    voters = shown(int(area["voters"]))
    funded = [title(str(pid)) for pid in area["selected"]]
    left = int(area["budget"]) - int(area["spent"])
    voted = gettext("%(voters)s young people voted.", voters=voters)
    sentences = [
        voted[:1].upper() + voted[1:],
        gettext("There was %(money)s to spend.", money=money(area["budget"])),
    ]
    if funded:
        sentences.append(
            gettext("We will pay for this project: %(names)s.", names=names(funded))
            if len(funded) == 1
            else ngettext(
                "We will pay for %(num)s project: %(names)s.",
                "We will pay for %(num)s projects: %(names)s.",
                len(funded),
                names=names(funded),
            )
        )
        sentences.append(
            gettext(
                "That uses %(spent)s, and %(left)s is left over.",
                spent=money(area["spent"]),
                left=money(left),
            )
            if left
            else gettext("That uses all the money.")
        )
    else:
        sentences.append(gettext("We could not pay for any project this time."))
    sentences.append(str(HOW.get(rule, "")))
    sentences += _not_funded(area, title, rule)
    return AreaSummary(heading, [s for s in sentences if s])


def summary(
    outcome: Mapping[str, Any], titles: Mapping[str, str], shown: Callable[[int], str]
) -> list[AreaSummary]:
    """One summary per area (one for the whole process when it has no areas)."""
    areas = outcome["areas"]
    several = len(areas) > 1
    return [area_summary(a, titles, shown, heading=str(a["name"]) if several else "") for a in areas]
