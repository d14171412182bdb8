"""Double entry of paper: a bundle of sheets is typed in twice by two different people, the sheets
the two entries disagree on are settled one by one by a third entry read from the paper, and only a
bundle whose every sheet is agreed may be counted.

The rule is the same for youth budget ballots, police priorities ballots and petition sheets; each
feature keeps its own tables and its own line format and hands this module plain `Typed` values, so
the rule lives in one place. Pure: no database, no web.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from civic.core.i18n import gettext

FIRST, SECOND, SETTLED = 1, 2, 3


class PaperError(ValueError):
    """The entry cannot be accepted; the message says why (shown to the member of staff)."""


@dataclass(frozen=True)
class Typed:
    """One stored entry of one sheet: which pass, which sheet, its canonical text, who typed it."""

    pass_no: int
    sheet: int
    text: str
    entered_by: int


@dataclass(frozen=True)
class SheetState:
    sheet: int
    first: str | None
    second: str | None
    resolved: str | None

    @property
    def agreed(self) -> str | None:
        """What the sheet says once both entries agree or a difference is settled; else None."""
        if self.resolved is not None:
            return self.resolved
        if self.first is not None and self.first == self.second:
            return self.first
        return None

    @property
    def mismatch(self) -> bool:
        return (
            self.first is not None
            and self.second is not None
            and self.first != self.second
            and self.resolved is None
        )


def sheet_states(typed: Iterable[Typed], sheets: int) -> list[SheetState]:
    by_pass: dict[int, dict[int, str]] = {FIRST: {}, SECOND: {}, SETTLED: {}}
    for entry in typed:
        by_pass[entry.pass_no][entry.sheet] = entry.text
    return [
        SheetState(n, by_pass[FIRST].get(n), by_pass[SECOND].get(n), by_pass[SETTLED].get(n))
        for n in range(1, sheets + 1)
    ]


def typists(typed: Iterable[Typed]) -> dict[int, int]:
    """pass number -> the staff id who typed it (entries 1 and 2 only)."""
    return {e.pass_no: e.entered_by for e in typed if e.pass_no in (FIRST, SECOND)}


def next_pass(typed: Iterable[Typed], actor_id: int | None, *, counted: bool) -> int:
    """The pass a new entry by `actor_id` would be (1, then 2), or PaperError saying why not.
    The second entry must come from someone else, or one person's misreading would agree with itself."""
    if counted:
        raise PaperError(gettext("This bundle has already been counted"))
    done = typists(typed)
    if FIRST in done and SECOND in done:
        raise PaperError(gettext("This bundle has been entered twice already; settle any differences below"))
    if actor_id in done.values():
        raise PaperError(gettext("The second entry must be made by a different person from the first"))
    return FIRST if FIRST not in done else SECOND


def sheet_to_settle(states: list[SheetState], sheet: int, *, counted: bool) -> SheetState:
    """The sheet a settling entry is for, if it really has a difference."""
    if counted:
        raise PaperError(gettext("This bundle has already been counted"))
    found = next((s for s in states if s.sheet == sheet), None)
    if found is None or not found.mismatch:
        raise PaperError(gettext("Sheet %(sheet)s has no difference to settle", sheet=sheet))
    return found


def ready(states: list[SheetState]) -> bool:
    """Every sheet agreed: the bundle can be counted."""
    return all(state.agreed is not None for state in states)


def agreed_sheets(states: list[SheetState], *, counted: bool) -> list[tuple[int, str]]:
    """(sheet, agreed text) for every sheet, once the bundle may be counted."""
    if counted:
        raise PaperError(gettext("This bundle has already been counted"))
    if any(s.agreed is None for s in states):
        raise PaperError(
            gettext("Every sheet must be entered twice and every difference settled before counting")
        )
    return [(s.sheet, s.agreed or "") for s in states]
