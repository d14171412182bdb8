"""What a typed paper form says, and the double-entry rule core shares with petitions and budgets."""

from __future__ import annotations

import pytest

from civic.core.double_entry import PaperError, SheetState, Typed, next_pass, ready, sheet_states
from civic.surveys.paper import answers_of, parse_lines, parse_sheet
from civic.surveys.questions import BY_CODE

QUESTIONS = [BY_CODE["influence"], BY_CODE["informed"]]  # six answers, then five


def test_a_sheet_is_one_answer_number_per_question_or_a_dash() -> None:
    assert parse_sheet("1 5", QUESTIONS, 1) == "1,5"
    assert parse_sheet("2,-", QUESTIONS, 1) == "2,-"
    assert answers_of("2,-", QUESTIONS) == {"influence": "tend_to_agree"}
    assert answers_of("6,4", QUESTIONS) == {"influence": "dont_know", "informed": "not_at_all"}


@pytest.mark.parametrize(
    ("line", "message"),
    [("1", "enter 2 answers"), ("1 2 3", "enter 2 answers"), ("7 1", "numbers from 1 to 6"), ("1 6", "1 to 5"),
     ("x 1", "numbers from 1"), ("0 1", "numbers from 1")],
)  # fmt: skip
def test_a_bad_sheet_is_refused_naming_it(line: str, message: str) -> None:
    with pytest.raises(PaperError, match=f"Sheet 3: .*{message}"):
        parse_sheet(line, QUESTIONS, 3)


def test_a_bundle_needs_exactly_one_line_per_sheet() -> None:
    assert parse_lines("1 1\n2 2\n", QUESTIONS, 2) == {1: "1,1", 2: "2,2"}
    with pytest.raises(PaperError, match="exactly 3 lines"):
        parse_lines("1 1\n2 2", QUESTIONS, 3)


def test_sheets_agree_when_both_entries_match_or_a_third_settles_them() -> None:
    typed = [(1, 1, "1,1"), (2, 1, "1,1"), (1, 2, "1,2"), (2, 2, "2,2"), (1, 3, "3,3")]
    states = sheet_states([Typed(p, sheet, text, p) for p, sheet, text in typed], 3)
    assert [s.agreed for s in states] == ["1,1", None, None]
    assert [s.mismatch for s in states] == [False, True, False]
    assert not ready(states)
    settled = SheetState(2, "1,2", "2,2", "2,2")
    assert settled.agreed == "2,2" and not settled.mismatch


def test_the_second_entry_is_made_by_someone_else_and_there_is_no_third() -> None:
    first, second = Typed(1, 1, "1,1", 7), Typed(2, 1, "1,1", 8)
    assert next_pass([], 7, counted=False) == 1
    assert next_pass([first], 8, counted=False) == 2
    with pytest.raises(PaperError, match="different person"):
        next_pass([first], 7, counted=False)
    with pytest.raises(PaperError, match="entered twice already"):
        next_pass([first, second], 9, counted=False)
