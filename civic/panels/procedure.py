"""The rules of procedure of a community panel, as pure functions: no web, no database.

Quorum, who may vote, how a vote's outcome follows from its counts and the chair's casting vote, how
many clear days of notice an agenda gave, and which meeting states may follow which. Services call
these; tests exercise them directly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from fractions import Fraction

from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.localtime import local_date

NOTICE_CLEAR_DAYS = 5  # Local Government Act 1972 s.100B(3): five clear days' notice in England

# Bank holidays in England and Wales (gov.uk/bank-holidays); clear days never count them.
BANK_HOLIDAYS: frozenset[date] = frozenset(
    date.fromisoformat(day)
    for day in [
        "2026-01-01",
        "2026-04-03",
        "2026-04-06",
        "2026-05-04",
        "2026-05-25",
        "2026-08-31",
        "2026-12-25",
        "2026-12-28",
        "2027-01-01",
        "2027-03-26",
        "2027-03-29",
        "2027-05-03",
        "2027-05-31",
        "2027-08-30",
        "2027-12-27",
        "2027-12-28",
    ]
)


class ProcedureError(ValueError):
    """Something the rules of procedure forbid; the message is for the clerk. `field` names what it
    concerns (like "reason") when that is not the form's main field, so the form can mark it."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def check_reason(text: str, label: str, maximum: int = 1000) -> str:
    """A reason that goes on the record: stripped, and short enough to store."""
    text = text.strip()
    if len(text) > maximum:
        raise ProcedureError(
            gettext("%(label)s must be %(maximum)s characters or fewer.", label=label, maximum=maximum)
        )
    return text


class MeetingState(StrEnum):
    SCHEDULED = "scheduled"
    AGENDA_PUBLISHED = "agenda_published"
    HELD = "held"
    MINUTES_DRAFT = "minutes_draft"
    MINUTES_APPROVED = "minutes_approved"
    PUBLISHED = "published"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        """In the language of the moment (the reader's, on a page)."""
        return str(MEETING_STATE_LABELS[self.value])


MEETING_STATE_LABELS = {
    "scheduled": _l("Scheduled"),
    "agenda_published": _l("Agenda published"),
    "held": _l("Held"),
    "minutes_draft": _l("Minutes draft"),
    "minutes_approved": _l("Minutes approved"),
    "published": _l("Published"),
    "cancelled": _l("Cancelled"),
}

TRANSITIONS: Mapping[MeetingState, frozenset[MeetingState]] = {
    MeetingState.SCHEDULED: frozenset({MeetingState.AGENDA_PUBLISHED, MeetingState.CANCELLED}),
    MeetingState.AGENDA_PUBLISHED: frozenset({MeetingState.HELD, MeetingState.CANCELLED}),
    MeetingState.HELD: frozenset({MeetingState.MINUTES_DRAFT}),
    MeetingState.MINUTES_DRAFT: frozenset({MeetingState.MINUTES_APPROVED}),
    MeetingState.MINUTES_APPROVED: frozenset({MeetingState.PUBLISHED}),
    MeetingState.PUBLISHED: frozenset(),
    MeetingState.CANCELLED: frozenset(),
}
AGENDA_PUBLIC = frozenset(set(MeetingState) - {MeetingState.SCHEDULED})
RECORD_PUBLIC = frozenset(
    {
        MeetingState.HELD,
        MeetingState.MINUTES_DRAFT,
        MeetingState.MINUTES_APPROVED,
        MeetingState.PUBLISHED,
    }
)


def check_transition(current: MeetingState, target: MeetingState) -> None:
    if target not in TRANSITIONS[current]:
        raise ProcedureError(
            gettext(
                "A meeting that is %(current)s cannot become %(target)s.",
                current=current.label.lower(),
                target=target.label.lower(),
            )
        )


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    APOLOGIES = "apologies"
    ABSENT = "absent"
    SUBSTITUTE = "substitute"  # the member sent a named substitute, who attends and votes for them

    @property
    def label(self) -> str:
        return str(
            {
                "present": _l("Present"),
                "apologies": _l("Sent apologies"),
                "absent": _l("Absent"),
                "substitute": _l("Represented by a substitute"),
            }[self.value]
        )


ATTENDING = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.SUBSTITUTE})


class Choice(StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"

    @property
    def label(self) -> str:
        return str({"for": _l("For"), "against": _l("Against"), "abstain": _l("Abstained")}[self.value])


class Outcome(StrEnum):
    CARRIED = "carried"
    LOST = "lost"

    @property
    def label(self) -> str:
        return str(_l("Carried") if self is Outcome.CARRIED else _l("Lost"))


class DeclarationAction(StrEnum):
    LEFT_ROOM = "left_room"
    DID_NOT_VOTE = "did_not_vote"
    DISPENSATION = "dispensation"  # a dispensation lets the member take part and vote
    STAYED = "stayed"  # an interest that does not stop the member taking part

    @property
    def label(self) -> str:
        return str(
            {
                "left_room": _l("Left the room"),
                "did_not_vote": _l("Stayed but did not vote"),
                "dispensation": _l("Took part under a dispensation"),
                "stayed": _l("Took part (interest does not prevent it)"),
            }[self.value]
        )


WITHDRAWING = frozenset({DeclarationAction.LEFT_ROOM, DeclarationAction.DID_NOT_VOTE})


# --- quorum --------------------------------------------------------------------------------------


def parse_quorum_rule(raw: str) -> str:
    """A whole number ("3") or a fraction of voting members ("1/3"); returns the canonical text."""
    text = raw.strip().replace(" ", "")
    try:
        if "/" in text:
            top, _, bottom = text.partition("/")
            value = Fraction(int(top), int(bottom))
            if not 0 < value <= 1:
                raise ProcedureError(gettext("A quorum fraction must be more than 0 and at most 1, like 1/3"))
            return f"{value.numerator}/{value.denominator}"
        number = int(text)
    except (ValueError, ZeroDivisionError):
        raise ProcedureError(
            gettext("Enter the quorum as a number, like 3, or a fraction of members, like 1/3")
        ) from None
    if number < 1:
        raise ProcedureError(gettext("A quorum must be at least 1"))
    return str(number)


def quorum_needed(rule: str, voting_members: int) -> int:
    """Members needed: the number itself, or the fraction of voting members rounded up (never below 1)."""
    canonical = parse_quorum_rule(rule)
    if "/" in canonical:
        top, _, bottom = canonical.partition("/")
        return max(1, math.ceil(Fraction(int(top), int(bottom)) * voting_members))
    return int(canonical)


@dataclass(frozen=True)
class Quorum:
    needed: int
    present: int
    voting_members: int

    @property
    def quorate(self) -> bool:
        return self.present >= self.needed


def quorum(rule: str, voting: Iterable[int], attendance: Mapping[int, AttendanceStatus]) -> Quorum:
    """`voting` are the ids of the voting members serving on the meeting's date; a substitute counts
    for the member they replace, non-voting advisers never count."""
    members = set(voting)
    present = sum(1 for member in members if attendance.get(member) in ATTENDING)
    return Quorum(quorum_needed(rule, len(members)), present, len(members))


# --- votes ---------------------------------------------------------------------------------------


def eligible_voters(
    voting: Iterable[int], attendance: Mapping[int, AttendanceStatus], withdrawn: Iterable[int]
) -> frozenset[int]:
    """Voting members attending who did not withdraw from the item after declaring an interest."""
    return frozenset(m for m in voting if attendance.get(m) in ATTENDING) - frozenset(withdrawn)


def withdrawn_members(declarations: Iterable[tuple[int, DeclarationAction]]) -> frozenset[int]:
    return frozenset(member for member, action in declarations if action in WITHDRAWING)


@dataclass(frozen=True)
class Tally:
    for_: int
    against: int
    abstain: int
    casting: Choice | None = None

    @property
    def tied(self) -> bool:
        return self.for_ == self.against

    @property
    def outcome(self) -> Outcome:
        """More for than against carries; a tie is settled by the chair's casting vote, and a tie
        without one is lost (the motion has not won a majority)."""
        if self.for_ != self.against:
            return Outcome.CARRIED if self.for_ > self.against else Outcome.LOST
        return Outcome.CARRIED if self.casting == Choice.FOR else Outcome.LOST


def tally_from_votes(votes: Mapping[int, Choice], casting: Choice | None = None) -> Tally:
    counts = {choice: sum(1 for v in votes.values() if v == choice) for choice in Choice}
    return Tally(counts[Choice.FOR], counts[Choice.AGAINST], counts[Choice.ABSTAIN], casting)


def check_vote(
    tally: Tally,
    *,
    eligible: frozenset[int],
    withdrawn: frozenset[int] = frozenset(),
    recorded: Mapping[int, Choice] | None = None,
    casting_by: int | None = None,
    chair: int | None = None,
    quorate: bool = True,
) -> None:
    """Refuse a vote the rules do not allow; returns quietly when it stands."""
    if not quorate:
        raise ProcedureError(gettext("The meeting is inquorate, so nothing can be decided."))
    if min(tally.for_, tally.against, tally.abstain) < 0:
        raise ProcedureError(gettext("Vote counts cannot be negative."))
    if recorded is not None:
        barred = set(recorded) & withdrawn
        if barred:
            raise ProcedureError(
                gettext("A member who declared an interest and withdrew cannot be recorded as voting.")
            )
        if set(recorded) - eligible:
            raise ProcedureError(
                gettext("Only voting members present at the meeting can be recorded as voting.")
            )
        if tally_from_votes(recorded, tally.casting) != tally:
            raise ProcedureError(gettext("The counts must be the totals of the recorded votes."))
    if tally.for_ + tally.against + tally.abstain > len(eligible):
        raise ProcedureError(
            gettext(
                "More votes were counted than the %(count)s members entitled to vote.", count=len(eligible)
            )
        )
    _check_casting(tally, casting_by, chair, eligible)


def _check_casting(tally: Tally, casting_by: int | None, chair: int | None, eligible: frozenset[int]) -> None:
    if tally.casting is None:
        return
    if tally.casting == Choice.ABSTAIN:
        raise ProcedureError(gettext("A casting vote is for or against."))
    if not tally.tied:
        raise ProcedureError(gettext("The chair has a casting vote only when the votes are tied."))
    if casting_by is None or casting_by != chair:
        raise ProcedureError(gettext("Only the person chairing the meeting can give a casting vote."))
    if casting_by not in eligible:
        raise ProcedureError(
            gettext("The chair withdrew from this item or is not present, so cannot give a casting vote.")
        )


# --- notice --------------------------------------------------------------------------------------


def clear_days(
    published_at: datetime, meeting_at: datetime, holidays: frozenset[date] = BANK_HOLIDAYS
) -> int:
    """Whole working days between publication and the meeting, counting neither the day of
    publication nor the day of the meeting, nor weekends or bank holidays (London dates)."""
    start = local_date(published_at) + timedelta(days=1)
    end = local_date(meeting_at)
    days = 0
    while start < end:
        if start.weekday() < 5 and start not in holidays:
            days += 1
        start += timedelta(days=1)
    return days


def check_notice(published_at: datetime, meeting_at: datetime, urgency_reason: str) -> int:
    """The clear days given; short notice needs a recorded reason of urgency."""
    if published_at >= meeting_at:
        raise ProcedureError(gettext("The agenda must be published before the meeting starts."))
    given = clear_days(published_at, meeting_at)
    if given < NOTICE_CLEAR_DAYS and not urgency_reason.strip():
        raise ProcedureError(
            gettext(
                "This gives %(given)s clear days' notice, fewer than %(needed)s. "
                "Give the reason the meeting is urgent to publish it anyway.",
                given=given,
                needed=NOTICE_CLEAR_DAYS,
            )
        )
    return given


# --- actions -------------------------------------------------------------------------------------


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return str(
            {
                "open": _l("Open"),
                "in_progress": _l("In progress"),
                "done": _l("Done"),
                "dropped": _l("Dropped"),
            }[self.value]
        )


ACTIVE_ACTIONS = frozenset({ActionStatus.OPEN, ActionStatus.IN_PROGRESS})


def is_overdue(status: ActionStatus, due_on: date | None, today: date) -> bool:
    return status in ACTIVE_ACTIONS and due_on is not None and due_on < today


def london_date(moment: datetime) -> date:
    return local_date(moment)
