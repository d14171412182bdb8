"""Counting a priorities round. Pure: no web, no database; everything comes in as plain values.

Methods
- **Approval ("pick up to N")**: a ballot gives one vote to each different candidate it picks, at most
  N of them (anything beyond the N-th pick, unknown candidates and repeats are ignored).
- **Ranked (Borda count)**: with N choices per voter, a ballot's first preference gets N points, its
  second N-1, ... its N-th 1 point. Unranked candidates get nothing. Repeats and unknown candidates are
  ignored (the later preferences move up).

Meeting tallies: a raised hand at a public meeting counts as one vote in approval rounds. A show of
hands cannot express an order, so in ranked rounds each hand is worth a first preference (N points).

Online votes from people who live in the neighbourhood ("residents") and from people who work there
("workers") are counted separately and both added to the total.

Ballots without an email are counted the same way and kept apart, so each channel shows on its own:
**paper** ballots (typed in twice by two members of staff, sheets that break the rules set aside as
spoilt) and **assisted** ballots (recorded by a member of staff for a resident who asked, with their
consent). Both add to the total and to a candidate's breadth of support; the online figures used by
the tie-break below stay online only.

Order and tie-break (documented for the public): candidates are ordered by
1. the total (online + meeting), highest first;
2. then the online total (residents + workers), because online voting is open to everyone for weeks;
3. then residents' online votes, because priorities are first for people who live there;
4. then how many ballots included the candidate at all (breadth of support);
5. and finally the candidate added to the round first (lowest id), so the order is always the same.
The first `top_n` in that order become priorities unless the police user overrides the choice with a
recorded public reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class CountMethod(StrEnum):
    APPROVAL = "approval"
    RANKED = "ranked"


ONLINE, PAPER, ASSISTED = "online", "paper", "assisted"  # how a ballot reached the count
RESIDENTS, WORKERS = "residents", "workers"  # the two online tallies


@dataclass(frozen=True)
class CastBallot:
    choices: Sequence[int]  # candidate ids, in preference order for ranked rounds
    works_here: bool = False
    ward_code: str = ""
    channel: str = ONLINE  # ONLINE, PAPER or ASSISTED


@dataclass(frozen=True)
class Row:
    candidate_id: int
    residents: int
    workers: int
    meeting: int
    support: int  # ballots that included it at all
    position: int
    chosen: bool
    tie_broken: bool = False  # its place relative to a neighbour was decided by the tie-break
    paper: int = 0
    assisted: int = 0

    @property
    def online(self) -> int:
        return self.residents + self.workers

    @property
    def total(self) -> int:
        return self.online + self.paper + self.assisted + self.meeting


@dataclass(frozen=True)
class Result:
    rows: list[Row]
    resident_voters: int
    worker_voters: int
    wards: dict[str, int] = field(default_factory=dict)
    tie_at_cutoff: bool = False  # the last chosen and first unchosen candidates had equal totals
    paper_voters: int = 0
    assisted_voters: int = 0

    @property
    def online_voters(self) -> int:
        return self.resident_voters + self.worker_voters

    @property
    def chosen_ids(self) -> list[int]:
        return [r.candidate_id for r in self.rows if r.chosen]


def valid_choices(choices: Iterable[int], candidate_ids: Iterable[int], allowed: int) -> list[int]:
    """The choices that count: known candidates, first mention only, at most `allowed`."""
    known = set(candidate_ids)
    kept: list[int] = []
    for choice in choices:
        if choice in known and choice not in kept:
            kept.append(choice)
    return kept[:allowed]


def points(method: CountMethod, position: int, allowed: int) -> int:
    """What a choice at `position` (0 = first) is worth."""
    return 1 if method is CountMethod.APPROVAL else allowed - position


def sort_key(row: Row) -> tuple[int, int, int, int, int]:
    return (-row.total, -row.online, -row.residents, -row.support, row.candidate_id)


def count(
    *,
    method: CountMethod,
    allowed: int,
    candidate_ids: Sequence[int],
    ballots: Iterable[CastBallot],
    meeting_hands: Mapping[int, int] | None = None,
    top_n: int,
) -> Result:
    tallies: dict[str, Counter[int]] = {k: Counter() for k in (RESIDENTS, WORKERS, PAPER, ASSISTED)}
    voters: Counter[str] = Counter()
    support: Counter[int] = Counter()
    wards: Counter[str] = Counter()
    for ballot in ballots:
        kept = valid_choices(ballot.choices, candidate_ids, allowed)
        if not kept:
            continue
        kind = _kind(ballot)
        for position, candidate_id in enumerate(kept):
            tallies[kind][candidate_id] += points(method, position, allowed)
            support[candidate_id] += 1
        voters[kind] += 1
        if ballot.channel == ONLINE:  # the published map is of online voters
            wards[ballot.ward_code] += 1
    hand_value = 1 if method is CountMethod.APPROVAL else allowed
    hands = meeting_hands or {}
    rows = [
        Row(
            candidate_id=cid,
            residents=tallies[RESIDENTS][cid],
            workers=tallies[WORKERS][cid],
            meeting=max(0, hands.get(cid, 0)) * hand_value,
            support=support[cid],
            position=0,
            chosen=False,
            paper=tallies[PAPER][cid],
            assisted=tallies[ASSISTED][cid],
        )
        for cid in candidate_ids
    ]
    rows.sort(key=sort_key)
    ranked = [_placed(row, i, rows, top_n) for i, row in enumerate(rows)]
    tie = 0 < top_n < len(rows) and rows[top_n - 1].total == rows[top_n].total
    return Result(
        ranked,
        voters[RESIDENTS],
        voters[WORKERS],
        dict(sorted(wards.items())),
        tie,
        paper_voters=voters[PAPER],
        assisted_voters=voters[ASSISTED],
    )


def _kind(ballot: CastBallot) -> str:
    """Which tally a ballot adds to: online ones by residence, the others by channel."""
    if ballot.channel != ONLINE:
        return ballot.channel
    return WORKERS if ballot.works_here else RESIDENTS


def _placed(row: Row, index: int, rows: list[Row], top_n: int) -> Row:
    neighbours = rows[max(0, index - 1) : index] + rows[index + 1 : index + 2]
    tied = any(other.total == row.total for other in neighbours)
    return Row(
        candidate_id=row.candidate_id,
        residents=row.residents,
        workers=row.workers,
        meeting=row.meeting,
        support=row.support,
        position=index + 1,
        chosen=index < top_n,
        tie_broken=tied,
        paper=row.paper,
        assisted=row.assisted,
    )


def needs_reason(result: Result, chosen_ids: Iterable[int]) -> bool:
    """An override (a choice other than the counted top N) must carry a public reason."""
    return set(chosen_ids) != set(result.chosen_ids)


def as_json(result: Result, *, method: CountMethod, allowed: int, top_n: int) -> dict[str, object]:
    """The count as `civic priorities tally` prints it and the count record publishes it: the same
    top-level keys as `civic budgets tally` (`rule`, `selected`, `voters`), then the round's figures."""
    return {
        "rule": method.value,
        "choices": allowed,
        "top_n": top_n,
        "selected": [str(cid) for cid in result.chosen_ids],
        "voters": result.online_voters,
        "resident_voters": result.resident_voters,
        "worker_voters": result.worker_voters,
        "tie_at_cutoff": result.tie_at_cutoff,
        "candidates": [
            {
                "id": str(row.candidate_id),
                "position": row.position,
                "votes": row.total,
                "residents": row.residents,
                "workers": row.workers,
                "meeting": row.meeting,
                "support": row.support,
                "chosen": row.chosen,
                "tie_broken": row.tie_broken,
            }
            for row in result.rows
        ],
    }
