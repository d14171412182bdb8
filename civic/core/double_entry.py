"""Paper typed in twice: the rule every paper channel shares (petition sheets, youth budget ballots,
survey forms). A bundle is typed once (pass 1) and again by a different person (pass 2); a sheet counts
only when both passes agree, or when a third entry (pass 3) settles a difference. No IO here: each
feature stores its own entries and hands them in as (pass, sheet, text)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

FIRST, SECOND, RESOLVED = 1, 2, 3


class DoubleEntryError(ValueError):
    """The entry cannot be accepted; the message says why."""


@dataclass(frozen=True)
class SheetState:
    sheet: int
    first: str | None
    second: str | None
    resolved: str | None

    @property
    def agreed(self) -> str | None:
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


def sheet_states(sheets: int, entries: Iterable[tuple[int, int, str]]) -> list[SheetState]:
    """Every sheet of a bundle of `sheets`, from its (pass number, sheet, text) entries."""
    by_pass: dict[int, dict[int, str]] = {FIRST: {}, SECOND: {}, RESOLVED: {}}
    for pass_no, sheet, value in entries:
        by_pass[pass_no][sheet] = value
    return [
        SheetState(n, by_pass[FIRST].get(n), by_pass[SECOND].get(n), by_pass[RESOLVED].get(n))
        for n in range(1, sheets + 1)
    ]


def next_pass(typists: dict[int, int], actor_id: int) -> int:
    """The pass `actor_id` may type next, given pass number -> who typed it; refused when both are
    done or when the same person would type both (the second entry is the check on the first)."""
    if FIRST in typists and SECOND in typists:
        raise DoubleEntryError("This bundle has been entered twice already; settle any differences below")
    if actor_id in typists.values():
        raise DoubleEntryError("The second entry must be made by a different person from the first")
    return FIRST if FIRST not in typists else SECOND


def ready(states: list[SheetState]) -> bool:
    """Every sheet agreed: the bundle can be counted."""
    return all(state.agreed is not None for state in states)
