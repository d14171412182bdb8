"""Open data: meetings and decisions as JSON and CSV, and an Atom feed per panel.

Nothing personal: members appear only by their public names and roles, which are public by nature;
subscribers never appear. Published under the Open Government Licence v3.0.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from civic.config import Settings
from civic.core.clock import now as clock_now
from civic.core.content_languages import load as load_versions
from civic.core.db import reading, row_id
from civic.core.deps import state
from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.localtime import format_date, format_datetime
from civic.core.opendata import Dataset
from civic.core.publish import PUBLIC_CACHE, FeedEntry, atom_response, csv_of_records, json_response
from civic.panels import service, service_membership, service_rescheduling
from civic.panels import service_versions as content
from civic.panels.models import Decision, MeetingChange, Motion, Panel, PanelMeeting
from civic.panels.procedure import AGENDA_PUBLIC, MeetingState

MEETING_LENGTH = timedelta(hours=2)  # calendars need an end; panels rarely publish one

CACHE = {"Cache-Control": PUBLIC_CACHE}
MEETING_FIELDS = (
    ("id", _l("Civic's number for the meeting")),
    ("panel", _l("the panel's name")),
    ("panel_slug", _l("the panel's short name, as in its web address")),
    ("starts_at", _l("when the meeting starts (UTC)")),
    ("place", _l("where it is held")),
    ("online_url", _l("link to join online, if any")),
    (
        "state",
        _l("scheduled, agenda_published, held, minutes_draft, minutes_approved, published or cancelled"),
    ),
    ("agenda_published_at", _l("when the agenda was published (UTC)")),
    ("notice_clear_days", _l("clear working days of notice the agenda gave (5 are required)")),
    ("urgency_reason", _l("why the agenda was published at shorter notice, if it was")),
    ("cancelled_reason", _l("why the meeting was cancelled, if it was")),
    ("url", _l("the meeting's page")),
)
DECISION_FIELDS = (
    ("id", _l("Civic's number for the decision")),
    ("panel", _l("the panel's name")),
    ("panel_slug", _l("the panel's short name")),
    ("meeting_id", _l("the meeting that decided it")),
    ("decided_at", _l("when (the meeting's start, UTC)")),
    ("decision", _l("what was decided")),
    ("reasons", _l("the reasons given")),
    ("alternatives", _l("alternatives considered")),
    ("decision_cy", _l("what was decided, in Welsh, if it has a Welsh version")),
    ("reasons_cy", _l("the reasons given, in Welsh, if they have a Welsh version")),
    ("alternatives_cy", _l("alternatives considered, in Welsh, if they have a Welsh version")),
    ("votes_for", _l("votes for the motion, if there was a vote")),
    ("votes_against", _l("votes against")),
    ("abstentions", _l("abstentions")),
    ("casting_vote", _l("the chair's casting vote on a tie: for or against")),
    ("outcome", _l("carried, or agreed without a vote")),
    ("url", _l("the decision's page")),
)
DATASETS = (
    Dataset(
        _l("Community panel meetings"),
        _l(
            "Every meeting of every community panel: when and where, its state, and how much notice its agenda gave."
        ),
        (("JSON", "/panels/meetings.json"), ("CSV", "/panels/meetings.csv")),
        MEETING_FIELDS,
        _l("Community panels"),
    ),
    Dataset(
        _l("Community panel decisions"),
        _l(
            "Every decision of every community panel, with its reasons, alternatives considered and the vote. "
            "Add ?panel=SHORT-NAME for one panel; each panel also has an Atom feed of agendas and decisions."
        ),
        (("JSON", "/panels/decisions.json"), ("CSV", "/panels/decisions.csv")),
        DECISION_FIELDS,
        _l("Community panels"),
    ),
)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


async def _panels(session: AsyncSession) -> dict[int, Panel]:
    return {p.id: p for p in await service_membership.list_panels(session) if p.id is not None}


def _panel_filter(request: Request, panels: dict[int, Panel]) -> int | None:
    """`?panel=SLUG` narrows a list to one panel; an unknown slug gives an empty list, not everything."""
    slug = request.query_params.get("panel")
    if not slug:
        return None
    return next((pid for pid, p in panels.items() if p.slug == slug), -1)


async def meeting_rows(session: AsyncSession, request: Request) -> list[dict[str, Any]]:
    panels = await _panels(session)
    base_url = state(request).settings.base_url
    query = select(PanelMeeting).order_by(col(PanelMeeting.starts_at).desc())
    if (only := _panel_filter(request, panels)) is not None:
        query = query.where(PanelMeeting.panel_id == only)
    rows = await session.exec(query)
    return [
        {
            "id": m.id,
            "panel": panels[m.panel_id].name,
            "panel_slug": panels[m.panel_id].slug,
            "starts_at": _iso(m.starts_at),
            "place": m.place,
            "online_url": m.online_url,
            "state": m.state.value,
            "agenda_published_at": _iso(m.agenda_published_at),
            "notice_clear_days": m.notice_clear_days,
            "urgency_reason": m.urgency_reason,
            "cancelled_reason": m.cancelled_reason,
            "url": f"{base_url}/panels/meetings/{m.id}",
        }
        for m in rows.all()
    ]


async def decision_rows(session: AsyncSession, request: Request) -> list[dict[str, Any]]:
    panels = await _panels(session)
    base_url = state(request).settings.base_url
    query = (
        select(Decision, Motion)
        .join(Motion, col(Motion.id) == col(Decision.motion_id), isouter=True)
        .order_by(col(Decision.decided_at).desc(), col(Decision.id).desc())
    )
    if (only := _panel_filter(request, panels)) is not None:
        query = query.where(Decision.panel_id == only)
    found = list((await session.exec(query)).all())
    stored = await load_versions(session, content.KIND, [row_id(d) for d, _ in found])
    settings = state(request).settings
    langs = _version_languages(settings)
    result = []
    for d, motion in found:
        tally = motion.tally if motion else None
        # Named after the open data's own columns (`decision_cy`), None when there is no version.
        versions = {
            f"{content.OPEN_DATA_NAMES[field]}_{lang}": stored.get(row_id(d), field, lang) or None
            for lang in langs
            for field in content.FIELDS
        }
        result.append(
            {
                "id": d.id,
                "panel": panels[d.panel_id].name,
                "panel_slug": panels[d.panel_id].slug,
                "meeting_id": d.meeting_id,
                "decided_at": _iso(d.decided_at),
                "decision": d.text,
                "reasons": d.reasons,
                "alternatives": d.alternatives,
                "votes_for": tally.for_ if tally else None,
                "votes_against": tally.against if tally else None,
                "abstentions": tally.abstain if tally else None,
                "casting_vote": tally.casting.value if tally and tally.casting else None,
                "outcome": tally.outcome.value if tally else "agreed without a vote",
                "url": f"{base_url}/panels/decisions/{d.id}",
                **versions,
            }
        )
    return result


def _csv(rows: list[dict[str, Any]], fields: tuple[tuple[str, object], ...], filename: str) -> Response:
    return csv_of_records([name for name, _ in fields], rows, filename)


async def meetings_json(request: Request) -> Response:
    async with reading(request) as session:
        return json_response(await meeting_rows(session, request))


async def meetings_csv(request: Request) -> Response:
    async with reading(request) as session:
        rows = await meeting_rows(session, request)
    return _csv(rows, MEETING_FIELDS, "panel-meetings.csv")


async def decisions_json(request: Request) -> Response:
    async with reading(request) as session:
        return json_response(await decision_rows(session, request))


async def decisions_csv(request: Request) -> Response:
    async with reading(request) as session:
        rows = await decision_rows(session, request)
    langs = _version_languages(state(request).settings)
    versions = {f"{name}_" for name in content.OPEN_DATA_NAMES.values()}
    names = [n for n, _ in DECISION_FIELDS if not n.startswith(tuple(versions))]  # documented as `_cy`
    names += [f"{content.OPEN_DATA_NAMES[f]}_{lang}" for lang in langs for f in content.FIELDS]
    return csv_of_records(names, rows, "panel-decisions.csv")


def _version_languages(settings: Settings) -> list[str]:
    """The offered languages besides the default: each gives the versions' columns (`decision_cy`)."""
    return [lang for lang in settings.languages if lang != settings.default_language]


async def feed(request: Request) -> Response:
    """Published agendas and decisions of one panel, newest first."""
    async with reading(request) as session:
        panel = await service_membership.get_panel(session, request.path_params["slug"])
        meetings = [m for m in await service.meetings_of(session, row_id(panel)) if m.state in AGENDA_PUBLIC]
        changes = await service_rescheduling.changes_by_meeting(
            session, [m.id for m in meetings if m.id is not None]
        )
        decisions = (
            await session.exec(
                select(Decision)
                .where(Decision.panel_id == panel.id)
                .order_by(col(Decision.decided_at).desc())
                .limit(50)
            )
        ).all()
    entries = [_meeting_entry(m, changes.get(row_id(m), [])) for m in meetings] + [
        FeedEntry(
            f"/panels/decisions/{d.id}",
            gettext("Decision: %(text)s", text=d.text[:120]),
            d.decided_at,
            d.reasons,
        )
        for d in decisions
    ]
    entries.sort(key=lambda e: e.updated, reverse=True)
    return atom_response(
        state(request).settings,
        path=f"/panels/{panel.slug}/feed.atom",
        title=gettext("%(panel)s: agendas and decisions", panel=panel.name),
        entries=entries[:50],
        page=f"/panels/{panel.slug}",
        empty_since=panel.created_at,
    )


def _meeting_entry(meeting: PanelMeeting, changes: list[MeetingChange]) -> FeedEntry:
    """A meeting's Atom entry; a move after publication updates it, so feed readers show it again."""
    summary = f"{meeting.state.label}. {meeting.place}"
    updated = meeting.agenda_published_at or meeting.created_at
    if changes and changes[-1].agenda_published:
        last = changes[-1]
        summary += ". " + (
            gettext(
                "Moved from %(when)s: %(reason)s",
                when=format_datetime(last.old_starts_at),
                reason=last.reason,
            )
            if last.moved
            else gettext("Changed: %(reason)s", reason=last.reason)
        )
        updated = last.changed_at
    title = gettext("Agenda: meeting on %(date)s", date=format_date(meeting.starts_at))
    return FeedEntry(f"/panels/meetings/{meeting.id}", title, updated, summary)


def _ics_text(value: str) -> str:
    """RFC 5545 TEXT escaping."""
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _ics_fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    parts: list[str] = []
    current = ""
    for char in line:
        if len((current + char).encode()) > (75 if not parts else 74):
            parts.append(current)
            current = ""
        current += char
    return "\r\n ".join([*parts, current])


def _ics_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


async def calendar(request: Request) -> Response:
    """A panel's meetings as an iCalendar feed residents can subscribe to; cancelled ones say so, and a
    moved meeting's SEQUENCE counts its changes (RFC 5545 3.8.7.4)."""
    settings = state(request).settings
    async with reading(request) as session:
        panel = await service_membership.get_panel(session, request.path_params["slug"])
        meetings = await service.meetings_of(session, row_id(panel))
        changes = await service_rescheduling.changes_by_meeting(
            session, [m.id for m in meetings if m.id is not None]
        )
    stamp = _ics_time(clock_now(request))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//Civic//{_ics_text(settings.council_name)}//EN",
             f"X-WR-CALNAME:{_ics_text(panel.name)}"]  # fmt: skip
    for m in meetings:
        lines += [
            "BEGIN:VEVENT",
            f"UID:panel-meeting-{m.id}@{settings.base_origin.split('://', 1)[1]}",
            f"DTSTAMP:{stamp}",
            f"SEQUENCE:{len(changes.get(row_id(m), []))}",  # calendars take a moved meeting's new time
            f"DTSTART:{_ics_time(m.starts_at)}",
            f"DTEND:{_ics_time(m.starts_at + MEETING_LENGTH)}",
            f"SUMMARY:{_ics_text(panel.name)}",
            f"LOCATION:{_ics_text(m.place)}",
            f"URL:{settings.url(f'/panels/meetings/{m.id}')}",
            f"STATUS:{'CANCELLED' if m.state == MeetingState.CANCELLED else 'CONFIRMED'}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    body = "\r\n".join(_ics_fold(line) for line in lines) + "\r\n"
    return Response(body, media_type="text/calendar; charset=utf-8", headers=CACHE)
