"""Moving a meeting that has not been held to another time, place or online link.

Every change is kept (`MeetingChange`) with its public reason, so the meeting page can say where the
meeting moved from. Once the agenda is public, a new time is fresh notice: the five-clear-days rule is
checked from the moment of the change to the new time, and short notice needs a reason of urgency,
exactly as when the agenda was published. A change of place or link alone keeps the notice given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.db import row_id
from civic.core.errors import Conflict
from civic.core.i18n import gettext
from civic.core.localtime import format_datetime
from civic.core.users import StaffUser
from civic.panels import service_journal
from civic.panels.models import MeetingChange, PanelMeeting
from civic.panels.procedure import NOTICE_CLEAR_DAYS, MeetingState, ProcedureError, check_notice, check_reason

MOVABLE = frozenset({MeetingState.SCHEDULED, MeetingState.AGENDA_PUBLISHED})


@dataclass(frozen=True)
class NewArrangements:
    starts_at: datetime
    place: str
    online_url: str
    reason: str  # published with the change
    urgency_reason: str = ""  # needed only when the new time gives short notice


async def reschedule_meeting(
    session: AsyncSession,
    meeting: PanelMeeting,
    new: NewArrangements,
    *,
    actor: StaffUser | None,
    now: datetime,
) -> MeetingChange:
    if meeting.state not in MOVABLE:
        raise Conflict(gettext("Only a meeting that has not been held or cancelled can be moved."))
    reason = _check_change(meeting, new, now)
    change = MeetingChange(
        meeting_id=row_id(meeting), changed_at=now, reason=reason,
        old_starts_at=meeting.starts_at, old_place=meeting.place, old_online_url=meeting.online_url,
        new_starts_at=new.starts_at, new_place=new.place, new_online_url=new.online_url,
        agenda_published=meeting.state == MeetingState.AGENDA_PUBLISHED,
    )  # fmt: skip
    if change.agenda_published and change.moved:
        _renew_notice(meeting, change, new.urgency_reason, now)
    meeting.starts_at, meeting.place, meeting.online_url = new.starts_at, new.place, new.online_url
    session.add(meeting)
    session.add(change)
    await session.flush()
    await service_journal.log(session, actor, "reschedule_meeting", meeting, now=now, reason=describe(change))
    return change


def _check_change(meeting: PanelMeeting, new: NewArrangements, now: datetime) -> str:
    if (new.starts_at, new.place, new.online_url) == (meeting.starts_at, meeting.place, meeting.online_url):
        raise ProcedureError(
            gettext("Change the date, time, place or online link, or leave the meeting as it is."), "day"
        )
    if new.starts_at <= now:
        raise ProcedureError(gettext("The meeting's new date and time must be in the future."), "day")
    try:
        reason = check_reason(new.reason, gettext("The reason for the change"))
    except ProcedureError as exc:
        raise ProcedureError(str(exc), "reason") from None
    if not reason:
        raise ProcedureError(
            gettext("Give the reason the meeting is changing; it is published with the change."), "reason"
        )
    return reason


def _renew_notice(meeting: PanelMeeting, change: MeetingChange, urgency_reason: str, now: datetime) -> None:
    try:
        urgency = check_reason(urgency_reason, gettext("The reason of urgency"))
        days = check_notice(now, change.new_starts_at, urgency)
    except ProcedureError as exc:
        raise ProcedureError(str(exc), "urgency_reason") from None
    change.notice_clear_days = days
    change.urgency_reason = urgency if days < NOTICE_CLEAR_DAYS else ""
    meeting.notice_clear_days, meeting.urgency_reason = days, change.urgency_reason


def describe(change: MeetingChange) -> str:
    """The change in one line, for the audit log."""
    parts = []
    if change.moved:
        parts.append(
            f"moved from {format_datetime(change.old_starts_at)} to {format_datetime(change.new_starts_at)}"
        )
    if change.old_place != change.new_place:
        parts.append(f"place changed from {change.old_place} to {change.new_place}")
    if change.old_online_url != change.new_online_url:
        parts.append("online link changed")
    urgent = f"; urgent: {change.urgency_reason}" if change.urgency_reason else ""
    return f"{', '.join(parts)}: {change.reason}{urgent}"


async def changes_of(session: AsyncSession, meeting: PanelMeeting) -> list[MeetingChange]:
    rows = await session.exec(
        select(MeetingChange).where(MeetingChange.meeting_id == meeting.id).order_by(col(MeetingChange.id))
    )
    return list(rows.all())


async def changes_by_meeting(session: AsyncSession, meeting_ids: list[int]) -> dict[int, list[MeetingChange]]:
    """Each meeting's changes, oldest first: their number is the calendar feed's SEQUENCE for it, and
    the latest one dates the meeting's entry in the Atom feed."""
    found: dict[int, list[MeetingChange]] = {}
    if meeting_ids:
        rows = await session.exec(
            select(MeetingChange)
            .where(col(MeetingChange.meeting_id).in_(meeting_ids))
            .order_by(col(MeetingChange.id))
        )
        for change in rows.all():
            found.setdefault(change.meeting_id, []).append(change)
    return found
