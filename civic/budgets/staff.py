"""Youth-worker pages: processes and phases, idea moderation, proposals (costing, feasibility,
overrides) and delivery updates."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from civic.budgets import forms, notify, service
from civic.budgets.models import (
    AGE_BANDS,
    BudgetIdea,
    BudgetProcess,
    BudgetProposal,
    DeliveryStatus,
    IdeaStatus,
)
from civic.budgets.web import load_process
from civic.core.areas import Ward, list_wards
from civic.core.clock import now
from civic.core.db import reading, row_id, transaction
from civic.core.deps import path_id, staff, state
from civic.core.errors import NotFound
from civic.core.forms import check_length, form_context, read_form, text
from civic.core.htmx import redirect_after_post
from civic.core.i18n import gettext
from civic.core.localtime import input_value
from civic.core.paths import parse_id
from civic.core.rules import require
from civic.core.templating import render_page
from civic.core.users import Role


async def dashboard(request: Request) -> Response:
    staff(request, Role.YOUTH_WORKER)
    async with reading(request) as session:
        processes = await service.list_processes(session)
    return render_page(request, "budgets/staff/index.html", {"processes": processes})


def _new_context(values: dict[str, Any], errors: dict[str, str], wards: list[Ward]) -> dict[str, Any]:
    return {
        "values": values,
        "ward_names": ", ".join(w.name for w in wards),
        **form_context(errors),
        "ballot_type_pairs": forms.BALLOT_TYPE_PAIRS,
        "rule_pairs": forms.RULE_PAIRS,
        "phase_fields": forms.PHASE_FIELDS,
    }


async def new_process_form(request: Request) -> Response:
    staff(request, Role.YOUTH_WORKER)
    start = now(request).replace(minute=0, second=0, microsecond=0)
    values: dict[str, Any] = {
        "min_choices": 1,
        "max_choices": 3,
        "min_share_percent": 0,
        "age_min": 11,
        "age_max": 25,
    }
    for days, (name, _label) in zip((0, 21, 35, 49, 63), forms.PHASE_FIELDS, strict=True):
        values[name] = input_value(start + timedelta(days=days))
    async with reading(request) as session:
        wards = await list_wards(session)
    return render_page(request, "budgets/staff/new.html", _new_context(values, {}, wards))


async def create_process(request: Request) -> Response:
    user, form, at = staff(request, Role.YOUTH_WORKER), await read_form(request), now(request)
    errors: dict[str, str] = {}
    title, description = text(form, "title"), text(form, "description")
    check_length(errors, "title", title, gettext("a title"), maximum=160)
    total = forms.whole_number(
        errors, form, "total", gettext("the total budget in pounds"), low=0, high=100_000_000
    )
    settings_, more = forms.parse_ballot_settings(form)
    dates, date_errors = forms.parse_phases(form)
    areas, area_error = forms.parse_areas(text(form, "areas"))
    errors |= more | date_errors | ({"areas": area_error} if area_error else {})
    slug = "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())[:60] or "budget"
    async with transaction(request) as session:
        if await service.get_process(session, slug) is not None:
            errors.setdefault("title", gettext("A budget with this title already exists"))
        known = await list_wards(session)
        wards, ward_error = forms.area_wards(areas, known)
        if ward_error:
            errors.setdefault("areas", ward_error)
        if errors:
            context = _new_context(dict(form), errors, known)
            return render_page(request, "budgets/staff/new.html", context, status_code=422)
        process = BudgetProcess.model_validate(
            {
                "slug": slug,
                "title": title,
                "description": description,
                "total": total,
                "age_as_of": dates["voting_opens_at"],
                "created_at": at,
                **dates,
                **settings_,
            }
        )
        await service.create_process(session, process, areas, actor=user, now=at, wards=wards)
    return redirect_after_post(request, f"/budgets/staff/{slug}")


async def manage(request: Request) -> Response:
    staff(request, Role.YOUTH_WORKER)
    async with reading(request) as session:
        process = await load_process(session, request)
        areas = await service.areas_of(session, row_id(process))
        pending = await service.ideas_of(session, row_id(process), statuses=(IdeaStatus.PENDING,))
        proposals = await service.proposals_of(session, row_id(process))
    values = {name: input_value(getattr(process, name)) for name, _ in forms.PHASE_FIELDS}
    context = {
        "process": process,
        "areas": areas,
        "pending": pending,
        "proposals": proposals,
        "phase": process.phase(now(request)),
        "values": values,
        "errors": {},
        "phase_fields": forms.PHASE_FIELDS,
    }
    return render_page(request, "budgets/staff/manage.html", context)


async def change_phases(request: Request) -> Response:
    user, form = staff(request, Role.YOUTH_WORKER), await read_form(request)
    dates, errors = forms.parse_phases(form)
    async with transaction(request) as session:
        process = await load_process(session, request)
        if errors:
            context = {
                "process": process,
                "areas": await service.areas_of(session, row_id(process)),
                "pending": [],
                "proposals": [],
                "phase": process.phase(now(request)),
                "values": dict(form),
                **form_context(errors),
                "phase_fields": forms.PHASE_FIELDS,
            }
            return render_page(request, "budgets/staff/manage.html", context, status_code=422)
        await service.update_phases(session, process, dates, actor=user, now=now(request))
    return redirect_after_post(request, f"/budgets/staff/{process.slug}")


async def ideas(request: Request) -> Response:
    staff(request, Role.YOUTH_WORKER)
    async with reading(request) as session:
        process = await load_process(session, request)
        rows = await service.ideas_of(session, row_id(process), statuses=tuple(IdeaStatus))
    return render_page(request, "budgets/staff/ideas.html", {"process": process, "ideas": rows})


async def moderate(request: Request) -> Response:
    user, form = staff(request, Role.YOUTH_WORKER), await read_form(request)
    async with transaction(request) as session:
        process = await load_process(session, request)
        idea = await session.get(BudgetIdea, path_id(request, "idea_id"))
        if idea is None or idea.process_id != process.id:
            raise NotFound()
        publish = text(form, "decision") == "publish"
        reason = text(form, "reason")[:500]
        if not publish and not reason:
            reason = "It does not meet the rules for ideas."
        await service.moderate_idea(
            session, idea, publish=publish, reason=reason, actor=user, now=now(request)
        )
    return redirect_after_post(request, f"/budgets/staff/{process.slug}/ideas")


async def _proposals_context(session: AsyncSession, process: BudgetProcess) -> dict[str, Any]:
    return {
        "process": process,
        "proposals": await service.proposals_of(session, row_id(process)),
        "idea_pairs": forms.idea_pairs(
            await service.ideas_of(session, row_id(process), statuses=(IdeaStatus.PUBLISHED,))
        ),
        "area_pairs": forms.area_pairs(await service.areas_of(session, row_id(process))),
        "errors": {},
        "values": {},
    }


async def proposals(request: Request) -> Response:
    staff(request, Role.YOUTH_WORKER)
    async with reading(request) as session:
        context = await _proposals_context(session, await load_process(session, request))
    return render_page(request, "budgets/staff/proposals.html", context)


async def create_proposal(request: Request) -> Response:
    user, form = staff(request, Role.YOUTH_WORKER), await read_form(request)
    errors: dict[str, str] = {}
    title, summary = text(form, "title"), text(form, "summary")
    check_length(errors, "title", title, gettext("a title"), maximum=120)
    check_length(errors, "summary", summary, gettext("a summary"), maximum=2000)
    idea_ids = [key for v in form.getlist("ideas") if (key := parse_id(v)) is not None]
    area = text(form, "area_id")
    async with transaction(request) as session:
        process = await load_process(session, request)
        require(
            "budgets.edit_proposals",
            user,
            process,
            now=now(request),
            message=gettext("Proposals are fixed once voting opens."),
        )
        areas = await service.areas_of(session, row_id(process))
        if areas and not any(str(a.id) == area for a in areas):
            errors["area_id"] = gettext("Choose the area this project is in")
        if errors:
            context = await _proposals_context(session, process) | {
                **form_context(errors),
                "values": dict(form),
            }
            return render_page(request, "budgets/staff/proposals.html", context, status_code=422)
        proposal = await service.create_proposal(
            session,
            process,
            title=title,
            summary=summary,
            area_id=int(area) if areas else None,
            idea_ids=idea_ids,
            actor=user,
            now=now(request),
        )
    return redirect_after_post(request, f"/budgets/staff/{process.slug}/proposals/{proposal.number}")


async def _load_proposal(session: AsyncSession, request: Request) -> tuple[BudgetProcess, BudgetProposal]:
    process = await load_process(session, request)
    proposal = await service.get_proposal(session, row_id(process), path_id(request, "number"))
    if proposal is None:
        raise NotFound()
    return process, proposal


async def _proposal_context(
    session: AsyncSession, process: BudgetProcess, proposal: BudgetProposal
) -> dict[str, Any]:
    tracked = await service.deliveries_of(session, row_id(process))
    return {
        "process": process,
        "proposal": proposal,
        "feasibility_pairs": forms.FEASIBILITY_PAIRS,
        "status_pairs": forms.DELIVERY_STATUS_PAIRS,
        "ideas": (await service.ideas_by_proposal(session, row_id(process))).get(row_id(proposal), []),
        "overrides": [
            o for o in await service.overrides_of(session, row_id(process)) if o.proposal_id == proposal.id
        ],
        "delivery": tracked.get(row_id(proposal)),
        "updates": (await service.updates_of(session, [row_id(proposal)])).get(row_id(proposal), []),
        "errors": {},
        "values": {},
        "bands": AGE_BANDS,
    }


async def proposal(request: Request) -> Response:
    staff(request, Role.YOUTH_WORKER)
    async with reading(request) as session:
        process, found = await _load_proposal(session, request)
        context = await _proposal_context(session, process, found)
    return render_page(request, "budgets/staff/proposal.html", context)


async def assess(request: Request) -> Response:
    user, form = staff(request, Role.YOUTH_WORKER), await read_form(request)
    cost, feasibility, reason, errors = forms.parse_assessment(form)
    async with transaction(request) as session:
        process, found = await _load_proposal(session, request)
        require(
            "budgets.edit_proposals",
            user,
            process,
            now=now(request),
            message=gettext("Proposals are fixed once voting opens."),
        )
        if errors:
            context = await _proposal_context(session, process, found) | {
                **form_context(errors),
                "values": dict(form),
            }
            return render_page(request, "budgets/staff/proposal.html", context, status_code=422)
        await service.assess_proposal(
            session, found, cost=cost, feasibility=feasibility, reason=reason, actor=user, now=now(request)
        )
    return redirect_after_post(request, f"/budgets/staff/{process.slug}/proposals/{found.number}")


async def override(request: Request) -> Response:
    user, form = staff(request, Role.YOUTH_WORKER), await read_form(request)
    reason = text(form, "override_reason")
    async with transaction(request) as session:
        process, found = await _load_proposal(session, request)
        if not reason:
            errors = {
                "override_reason": gettext(
                    "Enter the public reason for leaving this project out of the count"
                )
            }
            context = await _proposal_context(session, process, found) | {
                **form_context(errors),
            }
            return render_page(request, "budgets/staff/proposal.html", context, status_code=422)
        await service.add_override(session, found, reason=reason[:1000], actor=user, now=now(request))
    return redirect_after_post(request, f"/budgets/staff/{process.slug}/proposals/{found.number}")


async def delivery_update(request: Request) -> Response:
    user, form, at = staff(request, Role.YOUTH_WORKER), await read_form(request), now(request)
    errors: dict[str, str] = {}
    update_text, owner = text(form, "text"), text(form, "owner")
    check_length(errors, "text", update_text, gettext("what has happened"), maximum=2000)
    percent = forms.whole_number(errors, form, "percent", gettext("the progress"), low=0, high=100)
    raw = text(form, "status")
    status = DeliveryStatus(raw) if raw in {s.value for s in DeliveryStatus} else DeliveryStatus.IN_PROGRESS
    async with transaction(request) as session:
        process, found = await _load_proposal(session, request)
        require(
            "budgets.update_delivery",
            user,
            process,
            now=at,
            message=gettext("Delivery updates follow the results."),
        )
        if errors:
            context = await _proposal_context(session, process, found) | {
                **form_context(errors),
                "values": dict(form),
            }
            return render_page(request, "budgets/staff/proposal.html", context, status_code=422)
        update = await service.post_delivery_update(
            session,
            found,
            owner=owner[:120],
            status=status,
            percent=percent,
            text=update_text,
            actor=user,
            now=at,
        )
        await notify.delivery_updated(session, state(request).mail, process, found, update, now=at)
    return redirect_after_post(request, f"/budgets/staff/{process.slug}/proposals/{found.number}")
