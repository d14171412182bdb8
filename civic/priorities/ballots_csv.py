"""The anonymised ballots of a priorities round as one CSV, and reading it back to count it again.

Pure like `counting`. Three columns, `record,field,value`; one row per fact:

    setting,method,approval        the counting method (approval or ranked)
    setting,choices,3              choices per voter
    setting,top_n,3                how many become priorities
    candidate,12,Speeding on ...   a candidate's id and title (the title is for people; not counted)
    ballot,resident,12 7 3         one online ballot: resident or worker, its choices in order
    meeting,12,5                   raised hands for candidate 12 at public meetings (rows add up)

Ballots carry no email hash, ward, date or order of arrival: they are sorted, so their order says
nothing about who voted when.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from civic.priorities.counting import CastBallot, CountMethod, Result, count

HEADER = ("record", "field", "value")
RESIDENT, WORKER = "resident", "worker"


class BallotsFileError(ValueError):
    """The file is not a priorities ballots file; the message says which line and why."""


@dataclass
class RoundFile:
    method: CountMethod = CountMethod.APPROVAL
    choices: int = 0
    top_n: int = 0
    candidates: list[int] = field(default_factory=list)
    ballots: list[CastBallot] = field(default_factory=list)
    hands: dict[int, int] = field(default_factory=dict)

    def count(self) -> Result:
        return count(
            method=self.method,
            allowed=self.choices,
            candidate_ids=self.candidates,
            ballots=self.ballots,
            meeting_hands=self.hands,
            top_n=self.top_n,
        )


def ballot_rows(ballots: list[CastBallot]) -> list[tuple[str, str, str]]:
    """The `ballot` rows, in a fixed order that keeps no trace of arrival."""
    rows = [
        ("ballot", WORKER if b.works_here else RESIDENT, " ".join(str(c) for c in b.choices)) for b in ballots
    ]
    return sorted(rows)


def _number(text: str, line: int, what: str) -> int:
    if not text.strip().isdigit():
        raise BallotsFileError(f"line {line}: {what} must be a whole number, not {text!r}")
    return int(text)


def _setting(parsed: RoundFile, key: str, value: str, line: int) -> None:
    if key == "method":
        try:
            parsed.method = CountMethod(value.strip())
        except ValueError:
            raise BallotsFileError(f"line {line}: the method must be approval or ranked") from None
    elif key in {"choices", "top_n"}:
        setattr(parsed, key, _number(value, line, key))
    else:
        raise BallotsFileError(f"line {line}: unknown setting {key!r}")


def _row(parsed: RoundFile, record: str, key: str, value: str, line: int) -> None:
    if record == "setting":
        _setting(parsed, key, value, line)
    elif record == "candidate":
        parsed.candidates.append(_number(key, line, "a candidate id"))
    elif record == "ballot":
        if key not in {RESIDENT, WORKER}:
            raise BallotsFileError(f"line {line}: a ballot is from a resident or a worker, not {key!r}")
        choices = [_number(c, line, "a choice") for c in value.split()]
        parsed.ballots.append(CastBallot(choices, works_here=key == WORKER))
    elif record == "meeting":
        cid = _number(key, line, "a candidate id")
        parsed.hands[cid] = parsed.hands.get(cid, 0) + _number(value, line, "a number of hands")
    else:
        raise BallotsFileError(f"line {line}: unknown record {record!r}")


def parse(text: str) -> RoundFile:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    if tuple(next(reader, ())) != HEADER:
        raise BallotsFileError("line 1 must be the header record,field,value")
    parsed = RoundFile()
    for line, cells in enumerate(reader, start=2):
        if not cells:
            continue
        if len(cells) != 3:
            raise BallotsFileError(f"line {line}: expected 3 cells, found {len(cells)}")
        _row(parsed, cells[0].strip(), cells[1].strip(), cells[2], line)
    if parsed.choices < 1 or parsed.top_n < 0:
        raise BallotsFileError("the file must set choices (at least 1) and top_n")
    if len(set(parsed.candidates)) != len(parsed.candidates):
        raise BallotsFileError("a candidate is listed twice")
    return parsed
