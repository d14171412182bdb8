"""Face-to-face meetings: advertising one, residents saying they are coming, cancelling, and the
show-of-hands tally recorded afterwards. Services flush, never commit; every staff action is audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core import audit
from civic.core.db import row_id
from civic.core.errors import Conflict
from civic.core.i18n import current as current_language
from civic.core.i18n import gettext
from civic.core.localtime import format_datetime
from civic.core.outbox import Mail
from civic.core.users import StaffUser
from civic.priorities.models import (
    ADVERTISE_STATES,
    MEETING_STATES,
    Access,
    Meeting,
    MeetingCount,
    MeetingRsvp,
    PriorityRound,
)
from civic.priorities.service import PrioritiesError, candidates_of


@dataclass
class MeetingDetails:
    """What a team advertises; forms_meetings.parse_details builds it."""

    starts_at: datetime
    ends_at: datetime
    place: str
    address: str = ""
    access: list[Access] = field(default_factory=list)
    access_notes: str = ""
    online_url: str = ""
    agenda: str = ""


async def advertise_meeting(
    session: AsyncSession,
    item: PriorityRound,
    *,
    actor: StaffUser | None,
    details: MeetingDetails,
    now: datetime,
) -> Meeting:
    if item.state not in ADVERTISE_STATES:
        raise Conflict(gettext("Meetings are advertised before the round's results are published."))
    if details.starts_at < now:
        raise PrioritiesError(gettext("An advertised meeting must start in the future"))
    meeting = Meeting(
        round_id=row_id(item),
        held_on=details.starts_at,
        ends_at=details.ends_at,
        place=details.place,
        address=details.address,
        access=",".join(a.value for a in details.access),
        access_notes=details.access_notes,
        online_url=details.online_url,
        agenda=details.agenda,
        advertised_at=now,
    )
    session.add(meeting)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="priorities.advertise_meeting",
        object_type="priorities_meeting",
        object_id=meeting.id,
        now=now,
        reason=f"{details.place}, {format_datetime(details.starts_at)}",
        public=True,
    )
    return meeting


async def meeting_of(session: AsyncSession, meeting_id: int) -> Meeting | None:
    return await session.get(Meeting, meeting_id)


async def add_rsvp(
    session: AsyncSession, meeting: Meeting, *, name: str, email: str, party: int, now: datetime
) -> MeetingRsvp:
    """A resident says they are coming; the rule `priorities.rsvp` has already checked the meeting."""
    reply = MeetingRsvp(
        meeting_id=row_id(meeting),
        name=name,
        email=email or None,
        party=party,
        created_at=now,
        lang=current_language(),
    )
    session.add(reply)
    await session.flush()
    return reply


async def rsvp_totals(session: AsyncSession, meeting_ids: list[int]) -> dict[int, tuple[int, int]]:
    """meeting id -> (replies, people coming)."""
    if not meeting_ids:
        return {}
    rows = await session.exec(
        select(MeetingRsvp.meeting_id, func.count(), func.sum(MeetingRsvp.party))
        .where(col(MeetingRsvp.meeting_id).in_(meeting_ids))
        .group_by(col(MeetingRsvp.meeting_id))
    )
    return {mid: (int(replies), int(people or 0)) for mid, replies, people in rows.all()}


async def replies_of(session: AsyncSession, meeting_id: int) -> list[MeetingRsvp]:
    """For the team only: names and addresses are never public."""
    rows = await session.exec(
        select(MeetingRsvp).where(MeetingRsvp.meeting_id == meeting_id).order_by(col(MeetingRsvp.id))
    )
    return list(rows.all())


async def cancel_meeting(
    session: AsyncSession,
    meeting: Meeting,
    item: PriorityRound,
    *,
    actor: StaffUser | None,
    reason: str,
    now: datetime,
    mail: Mail,
) -> int:
    """Cancel an advertised meeting and email everyone who left an address; returns how many."""
    if meeting.is_cancelled or meeting.is_recorded:
        raise Conflict(gettext("This meeting has already been cancelled or its tally recorded."))
    if not reason:
        raise PrioritiesError(gettext("Say why the meeting is cancelled"))
    meeting.cancelled_at, meeting.cancel_reason = now, reason
    meeting.sequence += 1  # calendars replace the event with its cancelled version
    session.add(meeting)
    replies = await session.exec(
        select(MeetingRsvp).where(
            MeetingRsvp.meeting_id == row_id(meeting), col(MeetingRsvp.email).is_not(None)
        )
    )
    sent = 0
    for reply in replies.all():
        assert reply.email is not None  # the query asked for addresses only
        sent += await mail.enqueue(
            session,
            to=reply.email,
            template="priorities_meeting_cancelled",
            now=now,
            context={"meeting": meeting, "round": item},
            dedupe_key=f"priorities:meeting-cancelled:{reply.id}",
            lang=reply.lang,
        )
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="priorities.cancel_meeting",
        object_type="priorities_meeting",
        object_id=meeting.id,
        now=now,
        reason=reason,
        public=True,
    )
    return sent


async def record_tally(
    session: AsyncSession,
    meeting: Meeting,
    item: PriorityRound,
    *,
    actor: StaffUser | None,
    attendance: int,
    hands: dict[int, int],
    notes: str,
    now: datetime,
) -> Meeting:
    """Record (or correct, until results are published) an advertised meeting's show of hands."""
    if item.state not in MEETING_STATES:
        raise Conflict(
            gettext("Meeting tallies are entered while voting is open or before results are published.")
        )
    if meeting.is_cancelled:
        raise Conflict(gettext("This meeting was cancelled, so it has no tally."))
    if meeting.held_on > now:
        raise PrioritiesError(gettext("The tally can be recorded once the meeting has started"))
    if any(v > attendance for v in hands.values()):
        raise PrioritiesError(gettext("No candidate can have more hands than people at the meeting"))
    known = {row_id(c) for c in await candidates_of(session, row_id(item))}
    correcting = meeting.is_recorded
    await session.exec(delete(MeetingCount).where(col(MeetingCount.meeting_id) == row_id(meeting)))
    for candidate_id, count in hands.items():
        if candidate_id in known:
            session.add(MeetingCount(meeting_id=row_id(meeting), candidate_id=candidate_id, hands=count))
    meeting.attendance, meeting.notes, meeting.recorded_at = attendance, notes, now
    session.add(meeting)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="priorities.correct_meeting" if correcting else "priorities.record_meeting",
        object_type="priorities_meeting",
        object_id=meeting.id,
        now=now,
        reason=f"{meeting.place} ({attendance} present, {sum(hands.values())} hands)",
        public=True,
    )
    return meeting


async def hands_of(session: AsyncSession, meeting_id: int) -> dict[int, int]:
    rows = await session.exec(select(MeetingCount).where(MeetingCount.meeting_id == meeting_id))
    return {r.candidate_id: r.hands for r in rows.all()}


async def purge_rsvps(session: AsyncSession, *, now: datetime, days: int) -> int:
    """Delete replies (names, addresses) `days` after their meeting started."""
    done = select(Meeting.id).where(col(Meeting.held_on) <= now - timedelta(days=days))
    result = await session.exec(delete(MeetingRsvp).where(col(MeetingRsvp.meeting_id).in_(done)))
    await session.flush()
    return int(result.rowcount or 0)
