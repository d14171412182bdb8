"""Read-only queries behind the public pages and the home page's "open now" list, kept out of
the handlers so a handler only reads the request, calls these and renders."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.home import OpenItem
from civic.core.templating import format_datetime
from civic.panels.models import Decision, Motion, Panel, PanelAction, PanelMeeting
from civic.panels.procedure import ACTIVE_ACTIONS, AGENDA_PUBLIC, MeetingState


async def upcoming_meetings(session: AsyncSession, now: datetime) -> list[OpenItem]:
    """Panel meetings with a published agenda that have not started yet."""
    rows = await session.exec(
        select(PanelMeeting, Panel)
        .join(Panel, col(Panel.id) == col(PanelMeeting.panel_id))
        .where(PanelMeeting.state == MeetingState.AGENDA_PUBLISHED, col(PanelMeeting.starts_at) > now)
        .order_by(col(PanelMeeting.starts_at))
        .limit(5)
    )
    return [
        OpenItem(
            "Community panels",
            f"{panel.name} meets",
            f"/panels/meetings/{m.id}",
            format_datetime(m.starts_at),
        )
        for m, panel in rows.all()
    ]


async def next_meeting_by_panel(session: AsyncSession, now: datetime) -> dict[int, PanelMeeting]:
    """Each panel's next scheduled or announced meeting, for the list of panels."""
    upcoming = await session.exec(
        select(PanelMeeting)
        .where(
            col(PanelMeeting.starts_at) > now,
            col(PanelMeeting.state).in_(list(AGENDA_PUBLIC | {MeetingState.SCHEDULED})),
        )
        .where(PanelMeeting.state != MeetingState.CANCELLED)
        .order_by(col(PanelMeeting.starts_at))
    )
    next_meeting: dict[int, PanelMeeting] = {}
    for meeting in upcoming.all():
        next_meeting.setdefault(meeting.panel_id, meeting)
    return next_meeting


async def recent_decisions(session: AsyncSession, panel_id: int, limit: int = 10) -> list[Decision]:
    """A panel's latest decisions, newest first."""
    rows = await session.exec(
        select(Decision)
        .where(Decision.panel_id == panel_id)
        .order_by(col(Decision.decided_at).desc())
        .limit(limit)
    )
    return list(rows.all())


async def open_actions(session: AsyncSession, panel_id: int) -> list[PanelAction]:
    """A panel's actions still in progress, soonest due first."""
    rows = await session.exec(
        select(PanelAction)
        .where(PanelAction.panel_id == panel_id, col(PanelAction.status).in_(list(ACTIVE_ACTIONS)))
        .order_by(col(PanelAction.due_on))
    )
    return list(rows.all())


async def approving_meeting(session: AsyncSession, meeting: PanelMeeting) -> PanelMeeting | None:
    """The later meeting whose vote approved these minutes."""
    if meeting.approved_by_motion_id is None:
        return None
    motion = await session.get(Motion, meeting.approved_by_motion_id)
    return None if motion is None else await session.get(PanelMeeting, motion.meeting_id)


async def decision(session: AsyncSession, decision_id: int) -> Decision | None:
    """One decision by id, or None."""
    return await session.get(Decision, decision_id)
