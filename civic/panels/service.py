"""Meetings and their agendas: queries and state transitions. Flushes, never commits."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.db import row_id
from civic.core.errors import Conflict, NotFound
from civic.core.i18n import gettext
from civic.core.paths import parse_id
from civic.core.users import StaffUser
from civic.panels import service_agenda, service_journal
from civic.panels.links import MINUTES_KIND, check_link
from civic.panels.models import (
    AgendaItem,
    AgendaLink,
    Motion,
    Panel,
    PanelMeeting,
)
from civic.panels.procedure import (
    MeetingState,
    ProcedureError,
    check_notice,
    check_reason,
    check_transition,
    london_date,
)


async def schedule_meeting(
    session: AsyncSession,
    panel: Panel,
    *,
    actor: StaffUser | None,
    now: datetime,
    starts_at: datetime,
    place: str,
    online_url: str = "",
) -> PanelMeeting:
    if starts_at <= now:
        raise ProcedureError(gettext("A new meeting must be in the future."))
    meeting = PanelMeeting(
        panel_id=row_id(panel), starts_at=starts_at, place=place, online_url=online_url, created_at=now
    )
    session.add(meeting)
    await session.flush()
    await service_journal.log(
        session, actor, "schedule_meeting", meeting, now=now, reason=f"{panel.name}, {place}"
    )
    return meeting


async def get_meeting(
    session: AsyncSession, meeting_id: int, *, for_update: bool = False
) -> tuple[PanelMeeting, Panel]:
    """`for_update` locks the meeting's row (PostgreSQL; SQLite's write transactions are already
    serial), so two clerks acting at once cannot both move it from the same state."""
    meeting = await session.get(PanelMeeting, meeting_id, with_for_update=for_update)
    if meeting is None:
        raise NotFound
    panel = await session.get(Panel, meeting.panel_id)
    assert panel is not None
    return meeting, panel


async def move(
    session: AsyncSession,
    meeting: PanelMeeting,
    target: MeetingState,
    *,
    actor: StaffUser | None,
    now: datetime,
    reason: str = "",
) -> None:
    """The one place a meeting changes state: refuses a transition the procedure forbids (409)."""
    try:
        check_transition(meeting.state, target)
    except ProcedureError as exc:
        raise Conflict(str(exc)) from None
    meeting.state = target
    session.add(meeting)
    await session.flush()
    await service_journal.log(session, actor, f"meeting.{target.value}", meeting, now=now, reason=reason)


async def publish_agenda(
    session: AsyncSession,
    meeting: PanelMeeting,
    *,
    actor: StaffUser | None,
    now: datetime,
    urgency_reason: str = "",
) -> None:
    if meeting.state != MeetingState.SCHEDULED:
        raise Conflict(
            gettext("The agenda of this meeting has already been published or the meeting has moved on.")
        )
    if not await items_of(session, meeting):
        raise ProcedureError(gettext("Add at least one item before publishing the agenda."))
    urgency_reason = check_reason(urgency_reason, gettext("The reason of urgency"))
    days = check_notice(now, meeting.starts_at, urgency_reason)
    meeting.agenda_published_at, meeting.notice_clear_days = now, days
    meeting.urgency_reason = urgency_reason.strip() if days < 5 else ""
    reason = f"{days} clear days' notice" + (
        f"; urgent: {meeting.urgency_reason}" if meeting.urgency_reason else ""
    )
    await move(session, meeting, MeetingState.AGENDA_PUBLISHED, actor=actor, now=now, reason=reason)


async def hold_meeting(
    session: AsyncSession, meeting: PanelMeeting, *, actor: StaffUser | None, now: datetime
) -> None:
    if meeting.state == MeetingState.AGENDA_PUBLISHED and now < meeting.starts_at:
        raise Conflict(gettext("The meeting has not started yet."))
    await move(session, meeting, MeetingState.HELD, actor=actor, now=now)


async def cancel_meeting(
    session: AsyncSession, meeting: PanelMeeting, *, actor: StaffUser | None, now: datetime, reason: str
) -> None:
    if not check_reason(reason, gettext("The reason")):
        raise ProcedureError(gettext("Give the reason the meeting is cancelled."))
    meeting.cancelled_reason = reason.strip()
    await move(session, meeting, MeetingState.CANCELLED, actor=actor, now=now, reason=reason)


async def meetings_of(session: AsyncSession, panel_id: int) -> list[PanelMeeting]:
    rows = await session.exec(
        select(PanelMeeting).where(PanelMeeting.panel_id == panel_id).order_by(col(PanelMeeting.starts_at))
    )
    return list(rows.all())


# --- agenda ----------------------------------------------------------------------------------------


async def add_item(
    session: AsyncSession,
    meeting: PanelMeeting,
    *,
    actor: StaffUser | None,
    now: datetime,
    title: str,
    body: str = "",
    exempt: bool = False,
    exempt_reason: str = "",
    links: list[tuple[str, str, str]] = (),  # type: ignore[assignment]
    late_reason: str = "",
) -> AgendaItem:
    """Add an item at the end of the agenda; after publication only with a reason of urgency."""
    late_reason = service_agenda.late_reason_for(meeting, late_reason)
    exempt_reason = check_reason(exempt_reason, gettext("The reason the item is exempt"), 300)
    if exempt and not exempt_reason:
        raise ProcedureError(gettext("Give the reason the item is exempt from publication."))
    for kind, ref, _label in links:
        problem = check_link(kind, ref)
        if problem:
            raise ProcedureError(problem)
        if kind == MINUTES_KIND:
            await check_minutes_link(session, meeting, ref)
    position = len(await items_of(session, meeting)) + 1
    item = AgendaItem(
        meeting_id=row_id(meeting),
        position=position,
        title=title,
        body=body,
        exempt=exempt,
        exempt_reason=exempt_reason,
        late_reason=late_reason,
    )
    session.add(item)
    await session.flush()
    for kind, ref, label in links:
        session.add(AgendaLink(item_id=row_id(item), kind=kind, ref=ref, label=label))
    await session.flush()
    described = title if not exempt else "exempt item"
    if late_reason:  # a change to the public agenda, so a public entry
        await service_journal.log(
            session, actor, "add_late_item", item, now=now, reason=f"{described}: {late_reason}"
        )
    else:
        await service_journal.log(session, actor, "add_item", item, now=now, reason=described, public=False)
    return item


async def remove_item(
    session: AsyncSession, meeting: PanelMeeting, item_id: int, *, actor: StaffUser | None, now: datetime
) -> None:
    """Take an item off an unpublished agenda; the rest close up so numbering stays 1, 2, 3..."""
    if meeting.state != MeetingState.SCHEDULED:
        raise Conflict(service_agenda.NOT_REMOVABLE)
    items = await items_of(session, meeting)
    item = next((i for i in items if i.id == item_id), None)
    if item is None:
        raise ProcedureError(gettext("That item is not on this agenda."))
    for link in (await session.exec(select(AgendaLink).where(AgendaLink.item_id == item_id))).all():
        await session.delete(link)
    await session.flush()  # links first: the unit of work does not know they point at the item
    await session.delete(item)
    await session.flush()
    for position, rest in enumerate((i for i in items if i.id != item_id), start=1):
        rest.position = position
        session.add(rest)
    await session.flush()
    await service_journal.log(
        session, actor, "remove_item", meeting, now=now, reason=item.title, public=False
    )


async def items_of(session: AsyncSession, meeting: PanelMeeting) -> list[AgendaItem]:
    rows = await session.exec(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id).order_by(col(AgendaItem.position))
    )
    return list(rows.all())


async def links_of(session: AsyncSession, item_ids: list[int]) -> dict[int, list[AgendaLink]]:
    found: dict[int, list[AgendaLink]] = {i: [] for i in item_ids}
    if item_ids:
        rows = await session.exec(
            select(AgendaLink).where(col(AgendaLink.item_id).in_(item_ids)).order_by(col(AgendaLink.id))
        )
        for link in rows.all():
            found[link.item_id].append(link)
    return found


def meeting_day(meeting: PanelMeeting) -> date:
    return london_date(meeting.starts_at)


async def check_minutes_link(session: AsyncSession, meeting: PanelMeeting, ref: str) -> PanelMeeting:
    """An approval item must name an earlier meeting of the same panel whose minutes are in draft."""
    target = await session.get(PanelMeeting, key) if (key := parse_id(ref)) else None
    if target is None or target.panel_id != meeting.panel_id or target.starts_at >= meeting.starts_at:
        raise ProcedureError(
            gettext("Minutes can be approved only for an earlier meeting of the same panel.")
        )
    if target.state != MeetingState.MINUTES_DRAFT:
        raise Conflict(gettext("That meeting's minutes are not awaiting approval."))
    return target


async def approve_minutes(
    session: AsyncSession, target: PanelMeeting, *, motion: Motion, actor: StaffUser | None, now: datetime
) -> None:
    """The panel approved `target`'s minutes by carrying `motion` at a later meeting."""
    await check_minutes_link(session, await _meeting_of(session, motion), str(target.id))
    target.approved_by_motion_id = motion.id
    await move(
        session, target, MeetingState.MINUTES_APPROVED, actor=actor, now=now, reason=f"motion {motion.id}"
    )


async def _meeting_of(session: AsyncSession, motion: Motion) -> PanelMeeting:
    meeting = await session.get(PanelMeeting, motion.meeting_id)
    assert meeting is not None
    return meeting
