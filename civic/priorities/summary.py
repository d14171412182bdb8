"""The plain summary of a published round: who took part, which issues became priorities and how the
votes were counted, in short sentences (a reading age of about 11).

Pure: it reads the round's stored figures and candidates. Counts come in already shown through the
small-count rule (`shown`), as on the rest of the results page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from civic.core.i18n import gettext


@dataclass(frozen=True)
class Issue:
    title: str
    total: int
    chosen: bool
    position: int  # in the count, 1 = most support


def names(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return gettext("%(first)s and %(last)s", first=", ".join(items[:-1]), last=items[-1])


def _capital(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def how_counted(method: str, choices: int) -> str:
    if method == "ranked":
        return gettext(
            "A first choice was worth %(points)s points, a second choice one point less, and so on. "
            "A raised hand at a meeting was worth %(points)s points.",
            points=choices,
        )
    return gettext("Each issue picked on a ballot got one vote. A raised hand at a meeting was one vote too.")


def of_round(item: Any, candidates: Sequence[Any], shown: Callable[[int], str]) -> list[str]:
    """The summary of a published round (`PriorityRound`) and its candidates."""
    return summary(
        online_voters=item.resident_voters + item.worker_voters,
        meeting_attendance=item.meeting_attendance,
        method=item.method.value,
        choices=item.choices,
        issues=[Issue(c.title, c.total, c.chosen, c.position or 10_000) for c in candidates],
        overridden=bool(item.override_reason),
        shown=shown,
    )


def summary(
    *,
    online_voters: int,
    meeting_attendance: int,
    method: str,
    choices: int,
    issues: Sequence[Issue],
    overridden: bool,
    shown: Callable[[int], str],
) -> list[str]:
    online = shown(online_voters)
    one = online == "1"
    sentences = [
        _capital(
            gettext("1 person voted online.")
            if one
            else gettext("%(count)s people voted online.", count=online)
        )
    ]
    if meeting_attendance:
        came = shown(meeting_attendance)
        sentences.append(
            _capital(
                gettext("1 person came to public meetings.")
                if came == "1"
                else gettext("%(count)s people came to public meetings.", count=came)
            )
        )
    chosen = [i.title for i in sorted(issues, key=lambda i: i.position) if i.chosen]
    if overridden:
        sentences.append(gettext("The team chose these priorities: %(names)s.", names=names(chosen)))
        sentences.append(gettext("This is not the same as the count. The team's reason is below."))
    elif chosen:
        sentences.append(
            gettext(
                "The issues with the most support are now the team's priorities: %(names)s.",
                names=names(chosen),
            )
        )
    sentences.append(how_counted(method, choices))
    ordered = sorted(issues, key=lambda i: i.position)
    cut = sum(1 for i in ordered if i.chosen)
    if 0 < cut < len(ordered) and ordered[cut - 1].total == ordered[cut].total and not overridden:
        sentences.append(gettext("Two issues had the same total, so a fixed rule decided which came first."))
    return sentences
