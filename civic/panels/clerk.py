"""The panel clerk's pages: set up panels and members, schedule meetings and keep their record.

Every POST checks the role (403 for anyone else), then the meeting's state through the named rule
(409 when the meeting is not in a state that allows it), then the rules of procedure (422 with the
form and the reason). Services audit every change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from civic.core.areas import list_neighbourhoods, list_wards
from civic.core.auth import require_role
from civic.core.clock import now as clock_now
from civic.core.db import reading, transaction
from civic.core.errors import Conflict
from civic.core.forms import Errors, error_list, read_form, text
from civic.core.home import staff_link
from civic.core.htmx import redirect_after_post
from civic.core.rules import can
from civic.core.templating import render_page
from civic.core.users import Role, StaffUser, list_users
from civic.panels import forms, minutes, record, service, subscriptions
from civic.panels.links import KINDS, MINUTES_KIND
from civic.panels.models import AreaKind, MemberRole, Panel, PanelAction, PanelMeeting, PanelMember
from civic.panels.procedure import (
    ActionStatus,
    AttendanceStatus,
    Choice,
    DeclarationAction,
    MeetingState,
    ProcedureError,
    clear_days,
)
from civic.panels.record import MeetingRecord

staff_link("Community panels: meetings and records", "/panels/manage", Role.PANEL_CLERK.value)

Work = Callable[[AsyncSession, MeetingRecord, StaffUser, datetime], Awaitable[None]]


def require_clerk(request: Request) -> StaffUser:
    return require_role(request, Role.PANEL_CLERK)


def _path_id(request: Request, name: str) -> int:
    value = forms.parse_int(str(request.path_params[name]))
    if value is None:
        raise HTTPException(404)
    return value


def _form_context(errors: Errors, values: dict[str, Any] | None) -> dict[str, Any]:
    return {"errors": errors, "error_list": error_list(errors), "values": values or {}}


# --- panels ----------------------------------------------------------------------------------------


async def _area_choices(session: AsyncSession) -> dict[str, Any]:
    return {"wards": await list_wards(session), "neighbourhoods": await list_neighbourhoods(session)}


async def panel_list(request: Request) -> Response:
    require_clerk(request)
    async with reading(request) as session:
        panels = await service.list_panels(session)
        choices = await _area_choices(session)
    context = {"panels": panels, "area_kinds": list(AreaKind), **choices, **_form_context({}, None)}
    return render_page(request, "panels/manage_panels.html", context)


async def _area(
    request: Request, session: AsyncSession, values: dict[str, Any], errors: Errors
) -> dict[str, Any]:
    kind, code = values["area_kind"], values["area_code"]
    choices = await _area_choices(session)
    if kind == AreaKind.WARD:
        ward = next((w for w in choices["wards"] if w.code == code), None)
        if ward is None:
            errors.setdefault("area_code", "Choose a ward of the council")
            return {}
        return {"ward_code": ward.code, "neighbourhood_slug": None, "area_name": ward.name}
    if kind == AreaKind.NEIGHBOURHOOD:
        hood = next((n for n in choices["neighbourhoods"] if n.slug == code), None)
        if hood is None:
            errors.setdefault("area_code", "Choose a neighbourhood")
            return {}
        return {"ward_code": None, "neighbourhood_slug": hood.slug, "area_name": hood.name}
    return {
        "ward_code": None,
        "neighbourhood_slug": None,
        "area_name": request.app.state.settings.council_name,
    }


def _panel_fields(values: dict[str, Any], area: dict[str, Any]) -> dict[str, Any]:
    keys = ("name", "purpose", "terms_of_reference", "meeting_frequency", "quorum_rule")
    return {**{k: values[k] for k in keys}, "area_kind": AreaKind(values["area_kind"]), **area}


async def create_panel(request: Request) -> Response:
    actor = require_clerk(request)
    values, errors = forms.panel_form(await read_form(request))
    async with transaction(request) as session:
        area = await _area(request, session, values, errors) if not errors else {}
        if not errors:
            panel = await service.create_panel(
                session, actor=actor, now=clock_now(request), **_panel_fields(values, area)
            )
            return redirect_after_post(request, f"/panels/manage/{panel.slug}")
        choices = await _area_choices(session)
        panels = await service.list_panels(session)
    context = {"panels": panels, "area_kinds": list(AreaKind), **choices, **_form_context(errors, values)}
    return render_page(request, "panels/manage_panels.html", context, status_code=422)


async def _panel_page(
    request: Request, slug: str, errors: Errors | None = None, values: Any = None
) -> Response:
    async with reading(request) as session:
        panel = await service.get_panel(session, slug)
        assert panel.id is not None
        members = await service.members_of(session, panel.id)
        meetings = await service.meetings_of(session, panel.id)
        choices = await _area_choices(session)
        staff_users = [u for u in await list_users(session) if not u.disabled]
    context = {
        "staff_users": staff_users,
        "panel": panel,
        "members": members,
        "meetings": meetings,
        "roles": list(MemberRole),
        "area_kinds": list(AreaKind),
        **choices,
        **_form_context(errors or {}, values),
    }
    return render_page(request, "panels/manage_panel.html", context, status_code=422 if errors else 200)


async def panel_detail(request: Request) -> Response:
    require_clerk(request)
    return await _panel_page(request, request.path_params["slug"])


async def update_panel(request: Request) -> Response:
    actor = require_clerk(request)
    slug = request.path_params["slug"]
    values, errors = forms.panel_form(await read_form(request))
    async with transaction(request) as session:
        panel = await service.get_panel(session, slug)
        area = await _area(request, session, values, errors) if not errors else {}
        if not errors:
            fields = _panel_fields(values, area)
            changed = {k: v for k, v in fields.items() if getattr(panel, k) != v}
            if changed:
                await service.update_panel(session, panel, actor=actor, now=clock_now(request), **changed)
            return redirect_after_post(request, f"/panels/manage/{slug}?saved=1")
    return await _panel_page(request, slug, errors, {"panel": values})


async def add_member(request: Request) -> Response:
    actor = require_clerk(request)
    slug = request.path_params["slug"]
    values, errors = forms.member_form(await read_form(request))
    if not errors:
        try:
            async with transaction(request) as session:
                panel = await service.get_panel(session, slug)
                fields = {k: values[k] for k in ("name", "role", "voting", "starts_on", "ends_on", "user_id")}
                await service.add_member(session, panel, actor=actor, now=clock_now(request), **fields)
            return redirect_after_post(request, f"/panels/manage/{slug}#members")
        except ProcedureError as exc:
            errors["member-name"] = str(exc)
    return await _panel_page(request, slug, errors, {"member": values["raw"]})


async def end_member(request: Request) -> Response:
    actor = require_clerk(request)
    slug, member_id = request.path_params["slug"], _path_id(request, "member_id")
    errors: Errors = {}
    ends_on = forms.parse_date(
        errors, f"ends-{member_id}", text(await read_form(request), "ends_on"), "the end date"
    )
    if ends_on is not None:
        try:
            async with transaction(request) as session:
                panel = await service.get_panel(session, slug)
                member = await session.get(PanelMember, member_id)
                if member is None or member.panel_id != panel.id:
                    raise HTTPException(404)
                await service.end_membership(
                    session, member, actor=actor, now=clock_now(request), ends_on=ends_on
                )
            return redirect_after_post(request, f"/panels/manage/{slug}#members")
        except ProcedureError as exc:
            errors[f"ends-{member_id}"] = str(exc)
    return await _panel_page(request, slug, errors)


async def schedule_meeting(request: Request) -> Response:
    actor = require_clerk(request)
    slug = request.path_params["slug"]
    values, errors = forms.meeting_form(await read_form(request))
    if not errors:
        try:
            async with transaction(request) as session:
                panel = await service.get_panel(session, slug)
                raw = values["raw"]
                meeting = await service.schedule_meeting(
                    session,
                    panel,
                    actor=actor,
                    now=clock_now(request),
                    starts_at=values["starts_at"],
                    place=raw["place"],
                    online_url=raw["online_url"],
                )
            return redirect_after_post(request, f"/panels/manage/meetings/{meeting.id}")
        except ProcedureError as exc:
            errors["day"] = str(exc)
    return await _panel_page(request, slug, errors, {"meeting": values["raw"]})


# --- one meeting -----------------------------------------------------------------------------------


async def _approvable(session: AsyncSession, meeting: PanelMeeting) -> list[PanelMeeting]:
    """Earlier meetings of the panel whose draft minutes this meeting could approve."""
    return [
        m
        for m in await service.meetings_of(session, meeting.panel_id)
        if m.state == MeetingState.MINUTES_DRAFT and m.starts_at < meeting.starts_at
    ]


async def meeting_page(
    request: Request, meeting_id: int | None = None, errors: Errors | None = None, values: Any = None
) -> Response:
    require_clerk(request)
    meeting_id = meeting_id or _path_id(request, "meeting_id")
    async with reading(request) as session:
        meeting, panel = await service.get_meeting(session, meeting_id)
        rec = await record.load(session, meeting, panel)
        versions = await minutes.versions_of(session, meeting)
        approvable = await _approvable(session, meeting)
    context = {
        "rec": rec,
        "meeting": meeting,
        "panel": panel,
        "versions": versions,
        "approvable": approvable,
        "link_kinds": [k for k in KINDS.values() if k.kind != MINUTES_KIND],
        "minutes_kind": MINUTES_KIND,
        "attendance_statuses": list(AttendanceStatus),
        "declaration_actions": list(DeclarationAction),
        "choice_options": [(c.value, c.value.capitalize()) for c in Choice],
        "notice_now": clear_days(clock_now(request), meeting.starts_at),
        "action_statuses": list(ActionStatus),
        **_form_context(errors or {}, values),
    }
    return render_page(request, "panels/manage_meeting.html", context, status_code=422 if errors else 200)


async def _perform(
    request: Request, rule_name: str, field: str, work: Work, values: Any = None, errors: Errors | None = None
) -> Response:
    actor = require_clerk(request)
    meeting_id = _path_id(request, "meeting_id")
    now = clock_now(request)
    try:
        async with transaction(request) as session:
            meeting, panel = await service.get_meeting(session, meeting_id, for_update=True)
            if not can(rule_name, actor, meeting, now=now):
                raise Conflict(f"That cannot be done while the meeting is {meeting.state.label.lower()}.")
            if not errors:
                await work(session, await record.load(session, meeting, panel), actor, now)
        if not errors:
            return redirect_after_post(request, f"/panels/manage/meetings/{meeting_id}#{field}")
    except ProcedureError as exc:
        errors = {field: str(exc)}
    return await meeting_page(request, meeting_id, errors, values)


async def add_item(request: Request) -> Response:
    form = await read_form(request)
    values, errors = forms.item_form(form)
    if text(form, "approves"):
        values["links"].append((MINUTES_KIND, text(form, "approves"), "Minutes of the previous meeting"))

    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        raw = values["raw"]
        await service.add_item(
            session,
            rec.meeting,
            actor=actor,
            now=now,
            title=raw["title"],
            body=raw["body"],
            exempt=values["exempt"],
            exempt_reason=raw["exempt_reason"],
            links=values["links"],
        )

    return await _perform(request, "panels.edit_agenda", "title", work, {"item": values["raw"]}, errors)


async def remove_item(request: Request) -> Response:
    item_id = _path_id(request, "item_id")

    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        await service.remove_item(session, rec.meeting, item_id, actor=actor, now=now)

    return await _perform(request, "panels.edit_agenda", "title", work)


async def publish_agenda(request: Request) -> Response:
    reason = text(await read_form(request), "urgency_reason")

    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        await service.publish_agenda(session, rec.meeting, actor=actor, now=now, urgency_reason=reason)
        await _notify(request, session, rec, "agenda", now)

    return await _perform(
        request, "panels.publish_agenda", "urgency_reason", work, {"urgency_reason": reason}
    )


async def _notify(
    request: Request, session: AsyncSession, rec: MeetingRecord, what: str, now: datetime
) -> None:
    public_items = [i for i in rec.items if not i.exempt]
    context = {"items": rec.items, "public_items": public_items, "decisions": rec.decisions}
    state = request.app.state
    await subscriptions.notify(
        session, rec.panel, rec.meeting, what, context, settings=state.settings, mail=state.mail, now=now
    )


async def cancel_meeting(request: Request) -> Response:
    reason = text(await read_form(request), "cancel_reason")

    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        await service.cancel_meeting(session, rec.meeting, actor=actor, now=now, reason=reason)

    return await _perform(request, "panels.cancel", "cancel_reason", work, {"cancel_reason": reason})


async def hold_meeting(request: Request) -> Response:
    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        await service.hold_meeting(session, rec.meeting, actor=actor, now=now)

    return await _perform(request, "panels.hold", "attendance", work)


async def record_attendance(request: Request) -> Response:
    form = await read_form(request)

    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        entries = forms.attendance_form(form, list(rec.member_names))
        await record.record_attendance(session, rec, entries, actor=actor, now=now)

    return await _perform(request, "panels.record", "attendance", work)


async def declare_interest(request: Request) -> Response:
    values, errors = forms.declaration_form(await read_form(request))

    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        fields = {k: values[k] for k in ("member_id", "item_id", "action")}
        await record.declare_interest(
            session, rec, actor=actor, now=now, nature=values["raw"]["nature"], **fields
        )

    return await _perform(request, "panels.record", "nature", work, {"declaration": values["raw"]}, errors)


async def record_motion(request: Request) -> Response:
    form = await read_form(request)
    member_ids = [int(k.removeprefix("vote-")) for k in form if k.startswith("vote-") and k[5:].isdigit()]
    values, errors = forms.motion_form(form, member_ids)

    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        fields = {
            k: values[k] for k in ("item_id", "text", "proposer_id", "seconder_id", "tally", "recorded")
        }
        await record.record_motion(session, rec, actor=actor, now=now, **fields)

    return await _perform(request, "panels.record", "text", work, {"motion": values["raw"]}, errors)


async def record_decision(request: Request) -> Response:
    values, errors = forms.decision_form(await read_form(request))

    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        raw = values["raw"]
        await record.record_decision(
            session,
            rec,
            actor=actor,
            now=now,
            item_id=values["item_id"],
            motion_id=values["motion_id"],
            text=raw["text"],
            reasons=raw["reasons"],
            alternatives=raw["alternatives"],
            actions=values["actions"],
        )

    return await _perform(
        request, "panels.record", "decision-text", work, {"decision": values["raw"]}, errors
    )


async def draft_minutes(request: Request) -> Response:
    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        await minutes.draft_minutes(session, rec, actor=actor, now=now)

    return await _perform(request, "panels.draft_minutes", "minutes", work)


async def edit_minutes(request: Request) -> Response:
    body = text(await read_form(request), "body")

    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        await minutes.edit_draft(session, rec.meeting, body, actor=actor, now=now)

    return await _perform(request, "panels.edit_minutes", "minutes", work, {"body": body})


async def publish_minutes(request: Request) -> Response:
    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        await minutes.publish_minutes(session, rec.meeting, actor=actor, now=now)
        await _notify(request, session, rec, "decisions", now)

    return await _perform(request, "panels.publish_minutes", "minutes", work)


async def correct_minutes(request: Request) -> Response:
    form = await read_form(request)
    body, note = text(form, "body"), text(form, "correction_note")

    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        await minutes.publish_correction(session, rec.meeting, body, note, actor=actor, now=now)

    return await _perform(
        request, "panels.correct_minutes", "correction_note", work, {"body": body, "note": note}
    )


async def update_action(request: Request) -> Response:
    actor = require_clerk(request)
    action_id = _path_id(request, "action_id")
    values, errors = forms.action_update_form(await read_form(request))
    now = clock_now(request)
    async with transaction(request) as session:
        action = await session.get(PanelAction, action_id, with_for_update=True)
        if action is None:
            raise HTTPException(404)
        if not can("panels.update_action", actor, action, now=now):
            raise Conflict(f"This action is {action.status.label.lower()}; it cannot be updated.")
        if not errors:
            await record.update_action(
                session, action, actor=actor, now=now, status=values["status"], note=values["raw"]["note"]
            )
            return redirect_after_post(request, f"/panels/decisions/{action.decision_id}")
        panel = await session.get(Panel, action.panel_id)
    assert panel is not None
    return _action_page(request, action, panel, errors, values["raw"])


def _action_page(
    request: Request, action: PanelAction, panel: Panel, errors: Errors, values: dict[str, Any] | None
) -> Response:
    context = {
        "action": action,
        "panel": panel,
        "statuses": list(ActionStatus),
        **_form_context(errors, values),
    }
    return render_page(request, "panels/manage_action.html", context, status_code=422 if errors else 200)


async def action_form(request: Request) -> Response:
    actor = require_clerk(request)
    async with reading(request) as session:
        action = await session.get(PanelAction, _path_id(request, "action_id"))
        if action is None:
            raise HTTPException(404)
        panel = await session.get(Panel, action.panel_id)
    assert panel is not None
    if not can("panels.update_action", actor, action, now=clock_now(request)):
        raise Conflict(f"This action is {action.status.label.lower()}; it cannot be updated.")
    return _action_page(request, action, panel, {}, None)
