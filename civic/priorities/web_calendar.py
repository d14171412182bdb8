"""iCalendar (RFC 5545) feeds of face-to-face priorities meetings: every meeting, one neighbourhood's,
and a single meeting to add to a calendar. Built with `icalendar`, which folds long lines and escapes
commas and semicolons as real calendar clients expect. Cancelled meetings stay in the feeds marked
CANCELLED, with a higher SEQUENCE, so calendars that already hold them update rather than keep them."""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar, Event
from starlette.requests import Request
from starlette.responses import Response

from civic.config import Settings
from civic.core.db import reading
from civic.core.deps import now, path_id, settings
from civic.core.errors import NotFound
from civic.core.i18n import gettext
from civic.core.publish import PUBLIC_CACHE
from civic.priorities.models import PUBLIC_STATES
from civic.priorities.queries_meetings import ListedMeeting, calendar_meetings, listed_meeting
from civic.priorities.web import load_hood

MEDIA_TYPE = "text/calendar; charset=utf-8"


def _description(item: ListedMeeting, config: Settings) -> str:
    m = item.meeting
    parts = [
        gettext("Police priorities for %(place)s: %(title)s.", place=item.hood.name, title=item.round.title)
    ]
    if m.agenda:
        parts.append(gettext("What will be discussed:") + "\n" + m.agenda)
    access = [a.label for a in m.access_list] + ([m.access_notes] if m.access_notes else [])
    if access:
        parts.append(gettext("Access: %(details)s", details="; ".join(access)))
    if m.online_url:
        parts.append(gettext("Join online: %(link)s", link=m.online_url))
    parts.append(gettext("Details and replies: %(url)s", url=config.url(item.href)))
    return "\n\n".join(parts)


def event_of(item: ListedMeeting, config: Settings, stamp: datetime) -> Event:
    m = item.meeting
    event = Event()
    event.add("uid", f"priorities-meeting-{m.id}@{config.base_origin.split('://', 1)[1]}")
    event.add("dtstamp", stamp)
    event.add("sequence", m.sequence)
    event.add("dtstart", m.held_on)
    event.add("dtend", m.ends_at or m.held_on)
    event.add("summary", gettext("Police priorities meeting: %(place)s", place=item.hood.name))
    event.add("location", ", ".join(part for part in (m.place, m.address) if part))
    event.add("description", _description(item, config))
    event.add("url", config.url(item.href))
    event.add("status", "CANCELLED" if m.is_cancelled else "CONFIRMED")
    return event


def calendar_of(items: list[ListedMeeting], config: Settings, name: str, stamp: datetime) -> bytes:
    cal = Calendar()
    cal.add("prodid", f"-//Civic//{config.council_name}//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for item in items:
        cal.add_component(event_of(item, config, stamp))
    body: bytes = cal.to_ical()
    return body


def _response(body: bytes, filename: str) -> Response:
    headers = {"Cache-Control": PUBLIC_CACHE, "Content-Disposition": f'inline; filename="{filename}"'}
    return Response(body, media_type=MEDIA_TYPE, headers=headers)


async def all_meetings(request: Request) -> Response:
    at = now(request)
    async with reading(request) as session:
        items = await calendar_meetings(session, at)
    body = calendar_of(items, settings(request), gettext("Police priorities meetings"), at)
    return _response(body, "priorities-meetings.ics")


async def neighbourhood_meetings(request: Request) -> Response:
    hood, at = await load_hood(request), now(request)
    async with reading(request) as session:
        items = await calendar_meetings(session, at, slug=hood.slug)
    body = calendar_of(
        items, settings(request), gettext("Police priorities meetings: %(place)s", place=hood.name), at
    )
    return _response(body, f"{hood.slug}-meetings.ics")


async def one_meeting(request: Request) -> Response:
    async with reading(request) as session:
        item = await listed_meeting(session, path_id(request, "meeting_id"))
    if item is None or item.meeting.advertised_at is None or item.round.state not in PUBLIC_STATES:
        raise NotFound()
    body = calendar_of(
        [item],
        settings(request),
        gettext("Police priorities meeting: %(place)s", place=item.hood.name),
        now(request),
    )
    return _response(body, f"priorities-meeting-{item.meeting.id}.ics")
