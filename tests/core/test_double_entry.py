"""The double-entry rule shared by every kind of paper (budget ballots, priorities ballots, petition sheets)."""

from __future__ import annotations

import pytest

from civic.core.double_entry import (
    PaperError,
    Typed,
    agreed_sheets,
    next_pass,
    sheet_states,
    sheet_to_settle,
    typists,
)


def _two_entries() -> list[Typed]:
    return [
        Typed(1, 1, "1,2", 10),
        Typed(1, 2, "3", 10),
        Typed(2, 1, "1,2", 11),
        Typed(2, 2, "4", 11),
    ]


def test_agreeing_sheets_are_agreed_and_differing_ones_wait_to_be_settled() -> None:
    states = sheet_states(_two_entries(), 2)
    assert [s.agreed for s in states] == ["1,2", None]
    assert [s.mismatch for s in states] == [False, True]
    with pytest.raises(PaperError, match="every difference settled"):
        agreed_sheets(states, counted=False)
    settled = sheet_states([*_two_entries(), Typed(3, 2, "3", 12)], 2)
    assert agreed_sheets(settled, counted=False) == [(1, "1,2"), (2, "3")]


def test_a_blank_sheet_typed_the_same_twice_is_agreed_as_blank() -> None:
    states = sheet_states([Typed(1, 1, "", 1), Typed(2, 1, "", 2)], 1)
    assert states[0].agreed == "" and not states[0].mismatch


def test_the_second_entry_must_come_from_someone_else_and_there_is_no_third() -> None:
    first = [Typed(1, 1, "1", 10)]
    assert next_pass([], 10, counted=False) == 1
    with pytest.raises(PaperError, match="different person"):
        next_pass(first, 10, counted=False)
    assert next_pass(first, 11, counted=False) == 2
    assert typists(_two_entries()) == {1: 10, 2: 11}
    with pytest.raises(PaperError, match="entered twice already"):
        next_pass(_two_entries(), 12, counted=False)


def test_only_a_differing_sheet_can_be_settled_and_nothing_once_counted() -> None:
    states = sheet_states(_two_entries(), 2)
    assert sheet_to_settle(states, 2, counted=False).sheet == 2
    with pytest.raises(PaperError, match="no difference"):
        sheet_to_settle(states, 1, counted=False)
    with pytest.raises(PaperError, match="no difference"):
        sheet_to_settle(states, 9, counted=False)
    for attempt in (
        lambda: sheet_to_settle(states, 2, counted=True),
        lambda: next_pass([], 1, counted=True),
        lambda: agreed_sheets(states, counted=True),
    ):
        with pytest.raises(PaperError, match="already been counted"):
            attempt()
