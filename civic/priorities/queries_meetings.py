"""What the public sees of face-to-face meetings: upcoming meetings of public rounds (neighbourhood
page, home page, calendars) and one meeting with its round and neighbourhood. No personal data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select

from civic.core.areas import Neighbourhood
from civic.core.home import OpenItem
from civic.core.localtime import format_datetime
from civic.priorities.models import PUBLIC_STATES, Candidate, Meeting, PriorityRound

# Calendars keep a meeting this long after it started, so a subscriber's calendar does not lose it.
CALENDAR_KEEPS = timedelta(days=60)
HOME_LIMIT = 5


@dataclass(frozen=True)
class ListedMeeting:
    meeting: Meeting
    round: PriorityRound
    hood: Neighbourhood

    @property
    def href(self) -> str:
        return f"/priorities/meetings/{self.meeting.id}"


Row = tuple[Meeting, PriorityRound, Neighbourhood]


def _listed(rows: Sequence[Row]) -> list[ListedMeeting]:
    return [ListedMeeting(m, r, h) for m, r, h in rows]


def _joined(since: datetime, slug: str | None) -> Select[Meeting, PriorityRound, Neighbourhood]:
    """Advertised meetings of public rounds starting from `since`, soonest first."""
    query = (
        select(Meeting, PriorityRound, Neighbourhood)
        .join(PriorityRound, col(PriorityRound.id) == col(Meeting.round_id))
        .join(Neighbourhood, col(Neighbourhood.slug) == col(PriorityRound.neighbourhood_slug))
        .where(col(PriorityRound.state).in_(PUBLIC_STATES), col(Meeting.advertised_at).is_not(None))
        .where(col(Meeting.held_on) >= since)
    )
    if slug is not None:
        query = query.where(PriorityRound.neighbourhood_slug == slug)
    return query.order_by(col(Meeting.held_on))


@dataclass(frozen=True)
class Combined:
    """How a round's result was made up: votes online and raised hands at meetings."""

    online_votes: int
    online_voters: int
    meeting_votes: int
    meetings_held: int
    attendance: int

    @property
    def total(self) -> int:
        return self.online_votes + self.meeting_votes


def combined(item: PriorityRound, candidates: Sequence[Candidate], meetings: Sequence[Meeting]) -> Combined:
    """From the counted candidates (residents, workers, meeting: already weighted by the counting rule)."""
    held = [m for m in meetings if m.is_recorded]
    return Combined(
        online_votes=sum(c.residents + c.workers for c in candidates),
        online_voters=item.online_voters,
        meeting_votes=sum(c.meeting for c in candidates),
        meetings_held=len(held),
        attendance=sum(m.attendance for m in held),
    )


async def listed_meeting(session: AsyncSession, meeting_id: int) -> ListedMeeting | None:
    """One meeting with its round and neighbourhood, in any round state (the page checks who may see it)."""
    row = (
        await session.exec(
            select(Meeting, PriorityRound, Neighbourhood)
            .join(PriorityRound, col(PriorityRound.id) == col(Meeting.round_id))
            .join(Neighbourhood, col(Neighbourhood.slug) == col(PriorityRound.neighbourhood_slug))
            .where(Meeting.id == meeting_id)
        )
    ).first()
    return None if row is None else ListedMeeting(*row)


async def upcoming_meetings(
    session: AsyncSession, now: datetime, *, slug: str | None = None
) -> list[ListedMeeting]:
    """Advertised meetings not yet over, cancelled or tallied, soonest first."""
    rows = (await session.exec(_joined(now - timedelta(hours=12), slug))).all()
    return [item for item in _listed(rows) if item.meeting.is_upcoming(now)]


async def calendar_meetings(
    session: AsyncSession, now: datetime, *, slug: str | None = None
) -> list[ListedMeeting]:
    """What calendar feeds carry: recent and future meetings, cancelled ones included (so calendars
    that already hold them mark them cancelled)."""
    return _listed((await session.exec(_joined(now - CALENDAR_KEEPS, slug))).all())


async def open_meetings(session: AsyncSession, now: datetime) -> list[OpenItem]:
    """The home page's "open now": the next few meetings anyone can come to."""
    return [
        OpenItem(
            "Police priorities",
            f"Public meeting on police priorities for {item.hood.name}",
            item.href,
            f"{format_datetime(item.meeting.held_on)}, {item.meeting.place}",
        )
        for item in (await upcoming_meetings(session, now))[:HOME_LIMIT]
    ]
