"""What one paper form says, as typed: one answer number per question, in the order the form asks
them (1 = the first answer printed), `-` for a question left blank. "1 4 -" or "1,4,-"."""

from __future__ import annotations

from civic.core.double_entry import PaperError
from civic.core.i18n import gettext
from civic.surveys.questions import Question

BLANK = "-"


def parse_sheet(line: str, questions: list[Question], sheet: int) -> str:
    """The sheet in its stored form ("1,4,-"); raises PaperError naming the sheet."""
    parts = line.replace(",", " ").split()
    if len(parts) != len(questions):
        raise PaperError(
            gettext(
                "Sheet %(sheet)s: enter %(count)s answers, one for each question (you entered %(entered)s)",
                sheet=sheet,
                count=len(questions),
                entered=len(parts),
            )
        )
    for part, question in zip(parts, questions, strict=True):
        if part != BLANK and not (part.isdigit() and 1 <= int(part) <= len(question.choices)):
            raise PaperError(
                gettext(
                    "Sheet %(sheet)s: answers are numbers from 1 to %(most)s, or - for none",
                    sheet=sheet,
                    most=len(question.choices),
                )
            )
    return ",".join(parts)


def parse_lines(text: str, questions: list[Question], sheets: int) -> dict[int, str]:
    """One line per sheet, in order."""
    lines = [line.strip() for line in text.strip().splitlines()]
    if len(lines) != sheets:
        raise PaperError(
            gettext(
                "Enter exactly %(sheets)s lines, one for each sheet (you entered %(entered)s)",
                sheets=sheets,
                entered=len(lines),
            )
        )
    return {n: parse_sheet(line, questions, n) for n, line in enumerate(lines, start=1)}


def answers_of(stored: str, questions: list[Question]) -> dict[str, str]:
    """question code -> choice code for the questions the sheet answered."""
    result: dict[str, str] = {}
    for part, question in zip(stored.split(","), questions, strict=True):
        if part != BLANK:
            result[question.code] = question.choice_codes()[int(part) - 1]
    return result
