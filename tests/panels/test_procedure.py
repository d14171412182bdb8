"""The rules of procedure, as pure functions: quorum, votes, casting votes, declarations, notice."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest

from civic.panels.procedure import (
    TRANSITIONS,
    ActionStatus,
    AttendanceStatus,
    Choice,
    DeclarationAction,
    MeetingState,
    Outcome,
    ProcedureError,
    Tally,
    check_notice,
    check_transition,
    check_vote,
    clear_days,
    eligible_voters,
    is_overdue,
    parse_quorum_rule,
    quorum,
    quorum_needed,
    tally_from_votes,
    withdrawn_members,
)

P, A, X, S = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.APOLOGIES,
    AttendanceStatus.ABSENT,
    AttendanceStatus.SUBSTITUTE,
)


@pytest.mark.parametrize(
    ("rule", "members", "needed"),
    [
        ("3", 10, 3),
        ("3", 2, 3),  # a number is a number, even above the membership
        ("1/3", 9, 3),
        ("1/3", 10, 4),  # rounded up: 3.33 members is 4 people
        ("1/2", 7, 4),
        ("1/2", 8, 4),
        ("2/3", 6, 4),
        ("1/3", 0, 1),  # never below one
        ("1/1", 5, 5),
        (" 2 / 4 ", 8, 4),
    ],
)
def test_quorum_needed_from_a_number_or_a_fraction(rule: str, members: int, needed: int) -> None:
    assert quorum_needed(rule, members) == needed


@pytest.mark.parametrize("raw", ["", "0", "-2", "abc", "1/0", "3/2", "0/4", "1/3/4", "1.5"])
def test_bad_quorum_rules_are_refused(raw: str) -> None:
    with pytest.raises(ProcedureError):
        parse_quorum_rule(raw)


def test_quorum_rule_is_stored_in_lowest_terms() -> None:
    assert parse_quorum_rule("2/6") == "1/3"
    assert parse_quorum_rule(" 04 ") == "4"


def test_quorum_counts_present_and_substituted_voting_members_only() -> None:
    voting = [1, 2, 3, 4, 5, 6]
    attendance = {1: P, 2: S, 3: A, 4: X, 7: P}  # 7 is a non-voting adviser: not in `voting`
    result = quorum("1/2", voting, attendance)
    assert (result.needed, result.present, result.voting_members) == (3, 2, 6)
    assert not result.quorate
    attendance[5] = P
    assert quorum("1/2", voting, attendance).quorate


def test_a_meeting_with_no_attendance_recorded_is_inquorate() -> None:
    assert not quorum("1", [1, 2], {}).quorate


@pytest.mark.parametrize(
    ("tally", "outcome"),
    [
        (Tally(5, 2, 1), Outcome.CARRIED),
        (Tally(2, 5, 1), Outcome.LOST),
        (Tally(3, 3, 0), Outcome.LOST),  # a tie with no casting vote falls
        (Tally(3, 3, 0, Choice.FOR), Outcome.CARRIED),
        (Tally(3, 3, 0, Choice.AGAINST), Outcome.LOST),
        (Tally(0, 0, 4), Outcome.LOST),  # everyone abstained: a 0-0 tie
        (Tally(0, 0, 4, Choice.FOR), Outcome.CARRIED),
        (Tally(1, 0, 9), Outcome.CARRIED),  # abstentions do not count against
    ],
)
def test_outcome_follows_from_counts_and_casting_vote(tally: Tally, outcome: Outcome) -> None:
    assert tally.outcome == outcome


def test_tally_from_recorded_votes() -> None:
    votes = {1: Choice.FOR, 2: Choice.FOR, 3: Choice.AGAINST, 4: Choice.ABSTAIN}
    assert tally_from_votes(votes) == Tally(2, 1, 1)
    assert tally_from_votes({}, Choice.FOR) == Tally(0, 0, 0, Choice.FOR)


ELIGIBLE = frozenset({1, 2, 3, 4})


@pytest.mark.parametrize(
    ("tally", "kwargs", "message"),
    [
        (Tally(3, 1, 0), {"quorate": False}, "inquorate"),
        (Tally(4, 1, 0), {}, "More votes were counted"),
        (Tally(-1, 1, 0), {}, "negative"),
        (Tally(2, 1, 0, Choice.FOR), {"casting_by": 1, "chair": 1}, "only when the votes are tied"),
        (Tally(2, 2, 0, Choice.ABSTAIN), {"casting_by": 1, "chair": 1}, "for or against"),
        (Tally(2, 2, 0, Choice.FOR), {"casting_by": 2, "chair": 1}, "Only the person chairing"),
        (Tally(2, 2, 0, Choice.FOR), {"casting_by": None, "chair": None}, "Only the person chairing"),
        (Tally(1, 1, 0, Choice.FOR), {"casting_by": 9, "chair": 9}, "withdrew from this item"),
    ],
)
def test_votes_the_rules_refuse(tally: Tally, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ProcedureError, match=message):
        check_vote(tally, eligible=ELIGIBLE, **kwargs)  # type: ignore[arg-type]


def test_a_tie_settled_by_the_chairs_casting_vote_stands() -> None:
    check_vote(Tally(2, 2, 0, Choice.AGAINST), eligible=ELIGIBLE, casting_by=1, chair=1)


def test_recorded_votes_must_match_the_counts_and_come_from_eligible_members() -> None:
    recorded = {1: Choice.FOR, 2: Choice.FOR, 3: Choice.AGAINST}
    check_vote(Tally(2, 1, 0), eligible=ELIGIBLE, recorded=recorded)
    with pytest.raises(ProcedureError, match="totals of the recorded votes"):
        check_vote(Tally(3, 0, 0), eligible=ELIGIBLE, recorded=recorded)
    with pytest.raises(ProcedureError, match="Only voting members present"):
        check_vote(Tally(3, 1, 0), eligible=ELIGIBLE, recorded={**recorded, 8: Choice.FOR})


@pytest.mark.parametrize(
    ("action", "may_vote"),
    [
        (DeclarationAction.LEFT_ROOM, False),
        (DeclarationAction.DID_NOT_VOTE, False),
        (DeclarationAction.DISPENSATION, True),
        (DeclarationAction.STAYED, True),
    ],
)
def test_a_member_who_declared_and_withdrew_cannot_vote(action: DeclarationAction, may_vote: bool) -> None:
    withdrawn = withdrawn_members([(2, action)])
    eligible = eligible_voters([1, 2, 3], {1: P, 2: P, 3: P}, withdrawn)
    assert (2 in eligible) is may_vote
    recorded = {1: Choice.FOR, 2: Choice.AGAINST}
    if may_vote:
        check_vote(Tally(1, 1, 0), eligible=eligible, withdrawn=withdrawn, recorded=recorded)
    else:
        with pytest.raises(ProcedureError, match="declared an interest and withdrew"):
            check_vote(Tally(1, 1, 0), eligible=eligible, withdrawn=withdrawn, recorded=recorded)


def test_withdrawn_members_shrink_the_number_of_votes_that_can_be_counted() -> None:
    eligible = eligible_voters(
        [1, 2, 3], {1: P, 2: P, 3: A}, withdrawn_members([(1, DeclarationAction.LEFT_ROOM)])
    )
    assert eligible == {2}
    with pytest.raises(ProcedureError, match="More votes"):
        check_vote(Tally(2, 0, 0), eligible=eligible)


def at(day: str, hour: int = 18) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00").replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("published", "meeting", "days"),
    [
        ("2026-11-23", "2026-11-30", 4),  # Mon -> Mon: Tue..Fri
        ("2026-11-20", "2026-11-30", 5),  # Fri -> Mon next week: Mon..Fri between
        ("2026-11-23", "2026-11-24", 0),
        ("2026-11-23", "2026-11-23", 0),
        ("2026-12-18", "2026-12-31", 6),  # Christmas and the Boxing Day substitute do not count
        ("2027-03-24", "2027-04-02", 4),  # Good Friday and Easter Monday 2027
    ],
)
def test_clear_days_exclude_both_ends_weekends_and_bank_holidays(
    published: str, meeting: str, days: int
) -> None:
    assert clear_days(at(published, 9), at(meeting)) == days


def test_clear_days_use_london_dates() -> None:
    # 23:30 UTC on 1 July is 00:30 on 2 July in London (BST): publication day is the 2nd.
    published = datetime(2027, 7, 1, 23, 30, tzinfo=UTC)
    assert clear_days(published, at("2027-07-09")) == 4
    assert clear_days(datetime(2027, 7, 1, 22, 30, tzinfo=UTC), at("2027-07-09")) == 5


def test_short_notice_needs_an_urgency_reason() -> None:
    assert check_notice(at("2026-11-20", 9), at("2026-11-30"), "") == 5
    with pytest.raises(ProcedureError, match="4 clear days"):
        check_notice(at("2026-11-23", 9), at("2026-11-30"), "  ")
    assert check_notice(at("2026-11-23", 9), at("2026-11-30"), "Flooding on the estate") == 4
    with pytest.raises(ProcedureError, match="before the meeting starts"):
        check_notice(at("2026-11-30", 19), at("2026-11-30"), "late")


def test_meeting_state_machine() -> None:
    path = [
        MeetingState.SCHEDULED,
        MeetingState.AGENDA_PUBLISHED,
        MeetingState.HELD,
        MeetingState.MINUTES_DRAFT,
        MeetingState.MINUTES_APPROVED,
        MeetingState.PUBLISHED,
    ]
    for current, target in itertools.pairwise(path):
        check_transition(current, target)
    allowed = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    for current in MeetingState:
        for target in MeetingState:
            if (current, target) in allowed:
                continue
            with pytest.raises(ProcedureError):
                check_transition(current, target)
    assert {a for a, b in allowed if b == MeetingState.CANCELLED} == {
        MeetingState.SCHEDULED,
        MeetingState.AGENDA_PUBLISHED,
    }


@pytest.mark.parametrize(
    ("status", "due", "overdue"),
    [
        (ActionStatus.OPEN, date(2026, 11, 21), True),
        (ActionStatus.IN_PROGRESS, date(2026, 11, 21), True),
        (ActionStatus.OPEN, date(2026, 11, 22), False),  # due today is not yet overdue
        (ActionStatus.DONE, date(2026, 1, 1), False),
        (ActionStatus.DROPPED, date(2026, 1, 1), False),
        (ActionStatus.OPEN, None, False),
    ],
)
def test_overdue_actions(status: ActionStatus, due: date | None, overdue: bool) -> None:
    assert is_overdue(status, due, date(2026, 11, 22)) is overdue


def test_the_procedure_module_has_no_web_or_database_imports() -> None:
    import ast
    from pathlib import Path

    import civic.panels.procedure as module

    tree = ast.parse(Path(module.__file__).read_text())
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    # UK local time (zoneinfo) and the message catalogues (Babel): no web or database
    pure = {"civic.core.localtime", "civic.core.i18n"}
    assert not {
        name
        for name in imported - pure
        if name.split(".")[0] in {"sqlmodel", "sqlalchemy", "starlette", "civic"}
    }
