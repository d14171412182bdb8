"""Public pages: the list of panels, a panel, a meeting and a decision."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from civic.core.clock import now as clock_now
from civic.core.content_languages import load as load_versions
from civic.core.db import reading, row_id
from civic.core.deps import path_id, state
from civic.core.errors import NotFound
from civic.core.languages import lang_of
from civic.core.templating import render_page
from civic.panels import (
    answers,
    queries,
    service,
    service_actions,
    service_membership,
    service_minutes,
    service_record,
    service_rescheduling,
)
from civic.panels import service_versions as content
from civic.panels.links import href_for, kind_label
from civic.panels.models import PanelAction
from civic.panels.procedure import AGENDA_PUBLIC, RECORD_PUBLIC, MeetingState, is_overdue, london_date
from civic.panels.rules import SignOff
from civic.responses import queries_timeline
from civic.responses.models import ResponseState
from civic.responses.service import response_for

LINK_HELPERS = {"href_for": href_for, "kind_label": kind_label}


async def panel_list(request: Request) -> Response:
    now = clock_now(request)
    async with reading(request) as session:
        panels = await service_membership.list_panels(session)
        next_meeting = await queries.next_meeting_by_panel(session, now)
    return render_page(request, "panels/list.html", {"panels": panels, "next_meeting": next_meeting})


def overdue_ids(actions: list[PanelAction], today: date) -> set[int]:
    return {a.id for a in actions if a.id is not None and is_overdue(a.status, a.due_on, today)}


async def panel_page(request: Request) -> Response:
    now = clock_now(request)
    async with reading(request) as session:
        panel = await service_membership.get_panel(session, request.path_params["slug"])
        members = service_membership.serving(
            await service_membership.members_of(session, row_id(panel)), london_date(now)
        )
        meetings = await service.meetings_of(session, row_id(panel))
        decisions = await queries.recent_decisions(session, row_id(panel))
        stored = await load_versions(session, content.KIND, [row_id(d) for d in decisions])
        open_actions = await queries.open_actions(session, row_id(panel))
    upcoming = [m for m in meetings if m.starts_at > now and m.state != MeetingState.CANCELLED]
    context = {
        "panel": panel,
        "members": members,
        "next_meeting": upcoming[0] if upcoming else None,
        "past_meetings": [
            m for m in reversed(meetings) if m.starts_at <= now or m.state == MeetingState.CANCELLED
        ],
        "later_meetings": upcoming[1:],
        "decisions": content.localise_all(stored, decisions, state(request).settings, lang_of(request.scope)),
        "actions": open_actions,
        "overdue": overdue_ids(open_actions, london_date(now)),
        "subscribed": request.query_params.get("subscribed"),
    }
    return render_page(request, "panels/panel.html", context)


async def meeting_page(request: Request) -> Response:
    meeting_id = path_id(request, "meeting_id")
    async with reading(request) as session:
        meeting, panel = await service.get_meeting(session, meeting_id)
        rec = await service_record.load(session, meeting, panel)
        stored = await load_versions(session, content.KIND, [row_id(d) for d in rec.decisions])
        versions = [
            v for v in await service_minutes.versions_of(session, meeting) if v.published_at is not None
        ]
        minutes = await load_versions(session, content.MINUTES_KIND, [row_id(v) for v in versions])
        approved_by = await queries.approving_meeting(session, meeting)
        changes = await service_rescheduling.changes_of(session, meeting)
        chair_account = await service_membership.chair_account(
            session, meeting.panel_id, london_date(clock_now(request))
        )
    settings, lang = state(request).settings, lang_of(request.scope)
    shown = content.localise_all(stored, rec.decisions, settings, lang)
    context: dict[str, Any] = {
        "rec": rec,
        "decisions": shown,  # in the reader's language
        "meeting": meeting,
        "panel": panel,
        "show_agenda": meeting.state in AGENDA_PUBLIC,
        "show_record": meeting.state in RECORD_PUBLIC,
        "versions": [  # in the reader's language
            minutes.localise(v, content.MINUTES_FIELDS, settings.default_language, lang)
            for v in reversed(versions)
        ],
        "approved_by": approved_by,
        "changes": changes,
        "signoff": SignOff(meeting, chair_account),
        **LINK_HELPERS,
    }
    return render_page(request, "panels/meeting.html", context)


async def decision_page(request: Request) -> Response:
    decision_id = path_id(request, "decision_id")
    now = clock_now(request)
    async with reading(request) as session:
        decision = await queries.decision(session, decision_id)
        if decision is None:
            raise NotFound()
        meeting, panel = await service.get_meeting(session, decision.meeting_id)
        rec = await service_record.load(session, meeting, panel)
        asked = rec.actions.get(decision_id, [])
        updates = await service_actions.updates_for(session, [a.id for a in asked if a.id is not None])
        answer = await response_for(session, answers.KIND, str(decision.id))
        steps = await queries_timeline.timeline(session, answers.KIND, row_id(decision), now)
        stored = await load_versions(session, content.KIND, [decision_id])
    settings = state(request).settings
    context = {
        "timeline": steps,
        "decision": stored.localise(
            decision, content.FIELDS, settings.default_language, lang_of(request.scope)
        ),
        "rec": rec,
        "meeting": meeting,
        "panel": panel,
        "item": rec.item(decision.item_id),
        "motion": rec.motion(decision.motion_id) if decision.motion_id else None,
        "actions": asked,
        "updates": updates,
        "answer": answer if answer and answer.state == ResponseState.PUBLISHED else None,
        "answer_due": decision.decided_at + answers.ANSWER_WITHIN,
        "target_kind": answers.KIND,
        "overdue": overdue_ids(asked, london_date(now)),
        **LINK_HELPERS,
    }
    return render_page(request, "panels/decision.html", context)
