"""Rounds, candidates, suggestions, meetings and state transitions. Services flush, never commit;
every staff action is audited."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core import audit
from civic.core.areas import Neighbourhood
from civic.core.db import row_id
from civic.core.errors import Conflict
from civic.core.i18n import gettext
from civic.core.localtime import format_datetime
from civic.core.users import StaffUser
from civic.priorities.models import (
    CANDIDATE_EDIT_STATES,
    MEETING_STATES,
    TRANSITIONS,
    Candidate,
    Category,
    Meeting,
    MeetingCount,
    Method,
    PriorityRound,
    RoundState,
    Suggestion,
    SuggestionStatus,
)


class PrioritiesError(ValueError):
    """Input that cannot be accepted; the message is for the person who sent it, in their language,
    and `field` names the form field it is about when the caller cannot tell."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


async def get_round(session: AsyncSession, round_id: int) -> PriorityRound | None:
    return await session.get(PriorityRound, round_id)


async def rounds_of(session: AsyncSession, slug: str) -> list[PriorityRound]:
    rows = await session.exec(
        select(PriorityRound)
        .where(PriorityRound.neighbourhood_slug == slug)
        .order_by(col(PriorityRound.opens_at).desc(), col(PriorityRound.id).desc())
    )
    return list(rows.all())


async def candidates_of(session: AsyncSession, round_id: int) -> list[Candidate]:
    rows = await session.exec(
        select(Candidate).where(Candidate.round_id == round_id).order_by(col(Candidate.id))
    )
    return list(rows.all())


async def create_round(
    session: AsyncSession,
    *,
    actor: StaffUser | None,
    neighbourhood_slug: str,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    choices: int = 3,
    top_n: int = 3,
    method: Method = Method.APPROVAL,
    opens_automatically: bool = False,
    now: datetime,
) -> PriorityRound:
    if await session.get(Neighbourhood, neighbourhood_slug) is None:
        raise PrioritiesError(gettext("Choose a neighbourhood"))
    if closes_at <= opens_at:
        raise PrioritiesError(gettext("The closing date must be after the opening date"))
    if not 1 <= choices <= 10 or not 1 <= top_n <= 10:
        raise PrioritiesError(gettext("Choices and priorities must each be between 1 and 10"))
    item = PriorityRound(
        neighbourhood_slug=neighbourhood_slug,
        title=title.strip(),
        method=method,
        choices=choices,
        top_n=top_n,
        opens_at=opens_at,
        closes_at=closes_at,
        opens_automatically=opens_automatically,
        created_at=now,
        created_by=None if actor is None else actor.id,
    )
    session.add(item)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="priorities.create_round",
        object_type="priorities_round",
        object_id=item.id,
        now=now,
        reason=item.title,
    )
    return item


async def change_round(
    session: AsyncSession,
    item: PriorityRound,
    *,
    actor: StaffUser | None,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    choices: int,
    top_n: int,
    method: Method,
    opens_automatically: bool = False,
    now: datetime,
) -> PriorityRound:
    """Settings change only before voting opens: every voter must vote under the same rules."""
    if item.state not in CANDIDATE_EDIT_STATES:
        raise Conflict(gettext("A round's settings cannot change once voting has opened."))
    if closes_at <= opens_at:
        raise PrioritiesError(gettext("The closing date must be after the opening date"))
    item.title, item.opens_at, item.closes_at = title.strip(), opens_at, closes_at
    item.choices, item.top_n, item.method = choices, top_n, method
    item.opens_automatically = opens_automatically
    opening = "opens by itself" if opens_automatically else "opened by the team"
    session.add(item)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="priorities.change_round",
        object_type="priorities_round",
        object_id=item.id,
        now=now,
        reason=f"{item.title}: {format_datetime(opens_at)} to {format_datetime(closes_at)}, {choices} choices, {method.value}, {opening}",
    )
    return item


async def add_candidate(
    session: AsyncSession,
    item: PriorityRound,
    *,
    actor: StaffUser | None,
    category: Category,
    title: str,
    description: str,
    now: datetime,
) -> Candidate:
    if item.state not in CANDIDATE_EDIT_STATES:
        raise Conflict(gettext("Candidates cannot change once voting has opened."))
    candidate = Candidate(
        round_id=row_id(item),
        category=category,
        title=title.strip(),
        description=description.strip(),
        created_at=now,
    )
    session.add(candidate)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="priorities.add_candidate",
        object_type="priorities_candidate",
        object_id=candidate.id,
        now=now,
        reason=f"{candidate.title} (round {item.id})",
        public=True,
    )
    return candidate


async def remove_candidate(
    session: AsyncSession,
    item: PriorityRound,
    candidate: Candidate,
    *,
    actor: StaffUser | None,
    now: datetime,
) -> None:
    """Before voting opens a mistaken candidate can go; suggestions merged into it wait for moderation again."""
    if item.state not in CANDIDATE_EDIT_STATES:
        raise Conflict(gettext("Candidates cannot change once voting has opened."))
    if candidate.round_id != item.id:
        raise PrioritiesError(gettext("That candidate belongs to another round"))
    merged = await session.exec(select(Suggestion).where(Suggestion.merged_into == candidate.id))
    for suggestion in merged.all():
        suggestion.status, suggestion.merged_into, suggestion.moderated_at = (
            SuggestionStatus.PENDING,
            None,
            None,
        )
        session.add(suggestion)
    await session.flush()
    await session.delete(candidate)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="priorities.remove_candidate",
        object_type="priorities_candidate",
        object_id=candidate.id,
        now=now,
        reason=f"{candidate.title} (round {item.id})",
        public=True,
    )


async def transition(
    session: AsyncSession,
    item: PriorityRound,
    to: RoundState,
    *,
    actor: StaffUser | None,
    now: datetime,
    reason: str = "",
) -> PriorityRound:
    """Move a round to `to`, refusing (409) any move the state machine does not allow."""
    if to not in TRANSITIONS[item.state]:
        raise Conflict(
            gettext(
                "A round that is ‘%(state)s’ cannot become ‘%(target)s’.",
                state=item.state.label,
                target=to.label,
            )
        )
    if to == RoundState.VOTING_OPEN:
        await _check_ready_for_voting(session, item)
        if item.closes_at <= now:
            raise Conflict(gettext("The closing date has passed; change it before opening voting."))
        item.opens_at = min(item.opens_at, now)  # opening by hand opens it now
    if to == RoundState.CLOSED:
        item.closed_at = now
    item.state = to
    session.add(item)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action=f"priorities.{to.value}",
        object_type="priorities_round",
        object_id=item.id,
        now=now,
        reason=reason,
        public=True,
    )
    return item


async def _check_ready_for_voting(session: AsyncSession, item: PriorityRound) -> None:
    candidates = await candidates_of(session, row_id(item))
    if len(candidates) < 2:
        raise Conflict(gettext("Add at least two candidate issues before opening voting."))
    pending = await session.exec(
        select(Suggestion.id).where(
            Suggestion.round_id == item.id, Suggestion.status == SuggestionStatus.PENDING
        )
    )
    if pending.first() is not None:
        raise Conflict(gettext("Merge or decline every suggestion before opening voting."))


async def suggest(
    session: AsyncSession, item: PriorityRound, *, category: Category, text: str, now: datetime
) -> Suggestion:
    if item.state != RoundState.SUGGESTIONS_OPEN:
        raise Conflict(gettext("This round is not taking suggestions."))
    suggestion = Suggestion(round_id=row_id(item), category=category, text=text.strip(), created_at=now)
    session.add(suggestion)
    await session.flush()
    return suggestion


async def suggestions_of(session: AsyncSession, round_id: int) -> list[Suggestion]:
    rows = await session.exec(
        select(Suggestion).where(Suggestion.round_id == round_id).order_by(col(Suggestion.id))
    )
    return list(rows.all())


async def merge_suggestion(
    session: AsyncSession,
    suggestion: Suggestion,
    item: PriorityRound,
    *,
    actor: StaffUser | None,
    into: Candidate | None,
    now: datetime,
) -> Candidate:
    """Merge into an existing candidate, or (into=None) make the suggestion a candidate of its own."""
    _check_moderatable(suggestion, item)
    if into is None:
        into = await add_candidate(
            session,
            item,
            actor=actor,
            category=suggestion.category,
            title=suggestion.text[:120],
            description="Suggested by a resident.",
            now=now,
        )
    elif into.round_id != item.id:
        raise PrioritiesError(gettext("Choose a candidate from this round"))
    suggestion.status, suggestion.merged_into, suggestion.moderated_at = SuggestionStatus.MERGED, into.id, now
    session.add(suggestion)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="priorities.merge_suggestion",
        object_type="priorities_suggestion",
        object_id=suggestion.id,
        now=now,
        reason=f"merged into {into.title}",
        public=True,
    )
    return into


async def decline_suggestion(
    session: AsyncSession,
    suggestion: Suggestion,
    item: PriorityRound,
    *,
    actor: StaffUser | None,
    reason: str,
    now: datetime,
) -> None:
    _check_moderatable(suggestion, item)
    if not reason.strip():
        raise PrioritiesError(gettext("Give a reason for declining the suggestion"))
    suggestion.status, suggestion.decline_reason = SuggestionStatus.DECLINED, reason.strip()
    suggestion.moderated_at = now
    session.add(suggestion)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="priorities.decline_suggestion",
        object_type="priorities_suggestion",
        object_id=suggestion.id,
        now=now,
        reason=reason.strip(),
        public=True,
    )


def _check_moderatable(suggestion: Suggestion, item: PriorityRound) -> None:
    if suggestion.round_id != item.id:
        raise PrioritiesError(gettext("That suggestion belongs to another round"))
    if item.state != RoundState.SUGGESTIONS_OPEN:
        raise Conflict(gettext("Suggestions can only be moderated while the suggestion window is open."))
    if suggestion.status != SuggestionStatus.PENDING:
        raise Conflict(gettext("That suggestion has already been moderated."))


async def record_meeting(
    session: AsyncSession,
    item: PriorityRound,
    *,
    actor: StaffUser | None,
    held_on: datetime,
    place: str,
    attendance: int,
    hands: dict[int, int],
    now: datetime,
) -> Meeting:
    if item.state not in MEETING_STATES:
        raise Conflict(
            gettext("Meeting tallies are entered while voting is open or before results are published.")
        )
    if attendance < 0 or any(v < 0 for v in hands.values()):
        raise PrioritiesError(gettext("Counts cannot be negative"))
    if any(v > attendance for v in hands.values()):
        raise PrioritiesError(gettext("No candidate can have more hands than people at the meeting"))
    if held_on > now + timedelta(days=1):
        raise PrioritiesError(gettext("The meeting date cannot be in the future"))
    known = {c.id for c in await candidates_of(session, row_id(item))}
    meeting = Meeting(
        round_id=row_id(item), held_on=held_on, place=place.strip(), attendance=attendance, recorded_at=now
    )
    session.add(meeting)
    await session.flush()
    for candidate_id, count in hands.items():
        if candidate_id in known:
            session.add(MeetingCount(meeting_id=row_id(meeting), candidate_id=candidate_id, hands=count))
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="priorities.record_meeting",
        object_type="priorities_meeting",
        object_id=meeting.id,
        now=now,
        reason=f"{place} ({attendance} present)",
        public=True,
    )
    return meeting


async def meetings_of(session: AsyncSession, round_id: int) -> list[Meeting]:
    rows = await session.exec(
        select(Meeting).where(Meeting.round_id == round_id).order_by(col(Meeting.held_on))
    )
    return list(rows.all())


async def meeting_hands(session: AsyncSession, round_id: int) -> dict[int, int]:
    rows = await session.exec(
        select(MeetingCount)
        .join(Meeting, col(Meeting.id) == col(MeetingCount.meeting_id))
        .where(Meeting.round_id == round_id)
    )
    hands: dict[int, int] = {}
    for row in rows.all():
        hands[row.candidate_id] = hands.get(row.candidate_id, 0) + row.hands
    return hands
