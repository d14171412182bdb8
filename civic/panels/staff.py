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
from starlette.requests import Request
from starlette.responses import Response

from civic.core.areas import Neighbourhood, Ward, list_neighbourhoods, list_wards
from civic.core.clock import now as clock_now
from civic.core.db import reading, row_id, transaction
from civic.core.deps import path_id, staff, state
from civic.core.errors import Conflict, NotFound
from civic.core.forms import Errors, form_context, read_form, text
from civic.core.htmx import redirect_after_post
from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.rules import require
from civic.core.templating import render_page
from civic.core.users import StaffUser, list_users
from civic.panels import forms, service, service_actions, service_membership
from civic.panels.models import AreaKind, MemberRole, Panel, PanelAction, PanelMember
from civic.panels.procedure import (
    ActionStatus,
    ProcedureError,
)
from civic.panels.service_record import MeetingRecord

Work = Callable[[AsyncSession, MeetingRecord, StaffUser, datetime], Awaitable[None]]


def require_clerk(request: Request) -> StaffUser:
    """A panel clerk (or admin), by the same rule that shows the pages' "Manage" links."""
    actor = staff(request)
    require("panels.manage", actor, now=clock_now(request), message=gettext("Your role does not allow this."))
    return actor


AREA_KIND_PAIRS = [
    ("council", _l("The whole council area")),
    ("neighbourhood", _l("A police neighbourhood")),
    ("ward", _l("A ward")),
]


# --- panels ----------------------------------------------------------------------------------------


async def _area_choices(session: AsyncSession) -> dict[str, Any]:
    """The panel form's choices of area, as (value, text) pairs for civic.core.forms.options."""
    wards = [(w.code, gettext("Ward: %(name)s", name=w.name)) for w in await list_wards(session)]
    hoods = [
        (n.slug, gettext("Neighbourhood: %(name)s", name=n.name)) for n in await list_neighbourhoods(session)
    ]
    return {
        "area_kind_pairs": AREA_KIND_PAIRS,
        "area_pairs": [("", gettext("Not needed for the whole council")), *wards, *hoods],
    }


async def panel_list(request: Request) -> Response:
    require_clerk(request)
    async with reading(request) as session:
        panels = await service_membership.list_panels(session)
        choices = await _area_choices(session)
    context = {"panels": panels, "area_kinds": list(AreaKind), **choices, **form_context({}, {})}
    return render_page(request, "panels/manage_panels.html", context)


async def _area(
    request: Request, session: AsyncSession, values: dict[str, Any], errors: Errors
) -> dict[str, Any]:
    kind, code = values["area_kind"], values["area_code"]
    if kind == AreaKind.WARD:
        ward = await session.get(Ward, code) if code else None
        if ward is None:
            errors.setdefault("area_code", gettext("Choose a ward of the council"))
            return {}
        return {"ward_code": ward.code, "neighbourhood_slug": None, "area_name": ward.name}
    if kind == AreaKind.NEIGHBOURHOOD:
        hood = await session.get(Neighbourhood, code) if code else None
        if hood is None:
            errors.setdefault("area_code", gettext("Choose a neighbourhood"))
            return {}
        return {"ward_code": None, "neighbourhood_slug": hood.slug, "area_name": hood.name}
    return {
        "ward_code": None,
        "neighbourhood_slug": None,
        "area_name": state(request).settings.council_name,
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
            panel = await service_membership.create_panel(
                session, actor=actor, now=clock_now(request), **_panel_fields(values, area)
            )
            return redirect_after_post(request, f"/panels/manage/{panel.slug}")
        choices = await _area_choices(session)
        panels = await service_membership.list_panels(session)
    context = {
        "panels": panels,
        "area_kinds": list(AreaKind),
        **choices,
        **form_context(errors, values or {}),
    }
    return render_page(request, "panels/manage_panels.html", context, status_code=422)


async def _panel_page(
    request: Request, slug: str, errors: Errors | None = None, values: Any = None
) -> Response:
    async with reading(request) as session:
        panel = await service_membership.get_panel(session, slug)
        members = await service_membership.members_of(session, row_id(panel))
        meetings = await service.meetings_of(session, row_id(panel))
        choices = await _area_choices(session)
        staff_users = [u for u in await list_users(session) if not u.disabled]
    context = {
        "user_pairs": [
            ("", gettext("None: a resident member without an account")),
            *((u.id, f"{u.name} ({u.role.label})") for u in staff_users),
        ],
        "panel": panel,
        "members": members,
        "meetings": meetings,
        "role_pairs": [(r.value, r.label) for r in MemberRole],
        "voting_pairs": forms.VOTING_PAIRS,
        "area_kinds": list(AreaKind),
        **choices,
        **form_context(errors or {}, values or {}),
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
        panel = await service_membership.get_panel(session, slug)
        area = await _area(request, session, values, errors) if not errors else {}
        if not errors:
            fields = _panel_fields(values, area)
            changed = {k: v for k, v in fields.items() if getattr(panel, k) != v}
            if changed:
                await service_membership.update_panel(
                    session, panel, actor=actor, now=clock_now(request), **changed
                )
            return redirect_after_post(request, f"/panels/manage/{slug}?saved=1")
    return await _panel_page(request, slug, errors, {"panel": values})


async def add_member(request: Request) -> Response:
    actor = require_clerk(request)
    slug = request.path_params["slug"]
    values, errors = forms.member_form(await read_form(request))
    if not errors:
        try:
            async with transaction(request) as session:
                panel = await service_membership.get_panel(session, slug)
                fields = {k: values[k] for k in ("name", "role", "voting", "starts_on", "ends_on", "user_id")}
                await service_membership.add_member(
                    session, panel, actor=actor, now=clock_now(request), **fields
                )
            return redirect_after_post(request, f"/panels/manage/{slug}#members")
        except ProcedureError as exc:
            errors["member-name"] = str(exc)
    return await _panel_page(request, slug, errors, {"member": values["raw"]})


async def end_member(request: Request) -> Response:
    actor = require_clerk(request)
    slug, member_id = request.path_params["slug"], path_id(request, "member_id")
    errors: Errors = {}
    ends_on = forms.parse_date(
        errors, f"ends-{member_id}", text(await read_form(request), "ends_on"), "the end date"
    )
    if ends_on is not None:
        try:
            async with transaction(request) as session:
                panel = await service_membership.get_panel(session, slug)
                member = await session.get(PanelMember, member_id)
                if member is None or member.panel_id != panel.id:
                    raise NotFound()
                await service_membership.end_membership(
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
                panel = await service_membership.get_panel(session, slug)
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


async def update_action(request: Request) -> Response:
    actor = require_clerk(request)
    action_id = path_id(request, "action_id")
    values, errors = forms.action_update_form(await read_form(request))
    now = clock_now(request)
    async with transaction(request) as session:
        action = await session.get(PanelAction, action_id, with_for_update=True)
        if action is None:
            raise NotFound()
        require("panels.update_action", actor, action, now=now, otherwise=_fixed(action))
        if not errors:
            await service_actions.update_action(
                session, action, actor=actor, now=now, status=values["status"], note=values["raw"]["note"]
            )
            return redirect_after_post(request, f"/panels/decisions/{action.decision_id}")
        panel = await session.get(Panel, action.panel_id)
    assert panel is not None
    return _action_page(request, action, panel, errors, values["raw"])


def _fixed(action: PanelAction) -> Conflict:
    return Conflict(
        gettext("This action is %(status)s; it cannot be updated.", status=action.status.label.lower())
    )


def _action_page(
    request: Request, action: PanelAction, panel: Panel, errors: Errors, values: dict[str, Any] | None
) -> Response:
    context = {
        "action": action,
        "panel": panel,
        "status_pairs": [(s.value, s.label) for s in ActionStatus],
        **form_context(errors, values or {}),
    }
    return render_page(request, "panels/manage_action.html", context, status_code=422 if errors else 200)


async def action_form(request: Request) -> Response:
    actor = require_clerk(request)
    async with reading(request) as session:
        action = await session.get(PanelAction, path_id(request, "action_id"))
        if action is None:
            raise NotFound()
        panel = await session.get(Panel, action.panel_id)
    assert panel is not None
    require("panels.update_action", actor, action, now=clock_now(request), otherwise=_fixed(action))
    return _action_page(request, action, panel, {}, None)
