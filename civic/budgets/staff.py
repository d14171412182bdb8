"""Youth-worker pages: processes and phases, idea moderation, proposals (costing, feasibility,
overrides) and delivery updates."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from civic.budgets import forms, notify, service, service_versions
from civic.budgets.models import (
    AGE_BANDS,
    BudgetIdea,
    BudgetProcess,
    BudgetProposal,
    DeliveryStatus,
    IdeaStatus,
    Phase,
)
from civic.budgets.web import load_process
from civic.core.areas import Ward, list_wards
from civic.core.clock import now
from civic.core.content_languages import load
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


def _new_context(
    values: dict[str, Any],
    errors: dict[str, str],
    wards: list[Ward],
    langs: tuple[str, ...] = (),
    versions: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    return {
        "version_languages": langs,
        "versions": versions or {},
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
    langs = service_versions.languages(state(request).settings)
    return render_page(request, "budgets/staff/new.html", _new_context(values, {}, wards, langs))


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
    settings = state(request).settings
    versions = service_versions.read_versions(
        settings, form, service_versions.PROCESS_FIELDS, errors, service_versions.MAXIMUM
    )
    voting = not date_errors and dates["voting_opens_at"] <= at < dates["voting_closes_at"]
    if voting and not errors:  # a process made with voting already open is published there and then
        errors |= service_versions.missing_typed(
            settings, {"title": title, "description": description}, versions, title
        )
    slug = "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())[:60] or "budget"
    async with transaction(request) as session:
        if await service.get_process(session, slug) is not None:
            errors.setdefault("title", gettext("A budget with this title already exists"))
        known = await list_wards(session)
        wards, ward_error = forms.area_wards(areas, known)
        if ward_error:
            errors.setdefault("areas", ward_error)
        if errors:
            context = _new_context(dict(form), errors, known, service_versions.languages(settings), versions)
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
        await service_versions.save_versions(
            session, service_versions.PROCESS_KIND, row_id(process), versions, actor=user, now=at
        )
    return redirect_after_post(request, f"/budgets/staff/{slug}")


async def _versions_context(
    request: Request,
    session: AsyncSession,
    process: BudgetProcess,
    proposals: list[BudgetProposal],
    typed: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The manage page's boxes for the process's versions and what voting still waits for."""
    settings = state(request).settings
    langs = service_versions.languages(settings)
    versions = await load(session, service_versions.PROCESS_KIND, [row_id(process)])
    waiting = process.phase(now(request)) in {Phase.UPCOMING, Phase.IDEAS, Phase.REVIEW}
    return {
        "version_languages": langs,
        "versions": typed
        or service_versions.stored(versions, row_id(process), service_versions.PROCESS_FIELDS, langs),
        "missing_versions": await service_versions.missing_for_voting(session, settings, process, proposals)
        if waiting
        else [],
    }


async def manage(request: Request) -> Response:
    staff(request, Role.YOUTH_WORKER)
    async with reading(request) as session:
        process = await load_process(session, request)
        areas = await service.areas_of(session, row_id(process))
        pending = await service.ideas_of(session, row_id(process), statuses=(IdeaStatus.PENDING,))
        proposals = await service.proposals_of(session, row_id(process))
        more = await _versions_context(request, session, process, proposals)
    values = {name: input_value(getattr(process, name)) for name, _ in forms.PHASE_FIELDS}
    context = more | {
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
    at = now(request)
    async with transaction(request) as session:
        process = await load_process(session, request)
        proposals = await service.proposals_of(session, row_id(process))
        opening = not errors and dates["voting_opens_at"] <= at < dates["voting_closes_at"]
        if opening and process.phase(at) != Phase.VOTING:
            # these dates open voting now: the ballot must then have every version
            missing = await service_versions.missing_for_voting(
                session, state(request).settings, process, proposals
            )
            if missing:
                errors["voting_opens_at"] = missing[0]
        if errors:
            context = await _versions_context(request, session, process, proposals) | {
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


async def process_versions(request: Request) -> Response:
    """Change the process's title and description in the other languages."""
    user, form, at = staff(request, Role.YOUTH_WORKER), await read_form(request), now(request)
    settings = state(request).settings
    errors: dict[str, str] = {}
    versions = service_versions.read_versions(
        settings, form, service_versions.PROCESS_FIELDS, errors, service_versions.MAXIMUM
    )
    async with transaction(request) as session:
        process = await load_process(session, request)
        if process.phase(at) not in {Phase.UPCOMING, Phase.IDEAS, Phase.REVIEW} and not errors:
            sources = {"title": process.title, "description": process.description}
            errors |= service_versions.missing_typed(settings, sources, versions, process.title)
        if errors:
            proposals = await service.proposals_of(session, row_id(process))
            context = await _versions_context(request, session, process, proposals, versions) | {
                "process": process,
                "areas": await service.areas_of(session, row_id(process)),
                "pending": [],
                "proposals": proposals,
                "phase": process.phase(at),
                "values": {name: input_value(getattr(process, name)) for name, _ in forms.PHASE_FIELDS},
                **form_context(errors),
                "phase_fields": forms.PHASE_FIELDS,
            }
            return render_page(request, "budgets/staff/manage.html", context, status_code=422)
        await service_versions.save_versions(
            session, service_versions.PROCESS_KIND, row_id(process), versions, actor=user, now=at
        )
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


async def _proposals_context(
    request: Request, session: AsyncSession, process: BudgetProcess
) -> dict[str, Any]:
    return {
        "process": process,
        "proposals": await service.proposals_of(session, row_id(process)),
        "idea_pairs": forms.idea_pairs(
            await service.ideas_of(session, row_id(process), statuses=(IdeaStatus.PUBLISHED,))
        ),
        "area_pairs": forms.area_pairs(await service.areas_of(session, row_id(process))),
        "errors": {},
        "values": {},
        "version_languages": service_versions.languages(state(request).settings),
        "versions": {},
    }


async def proposals(request: Request) -> Response:
    staff(request, Role.YOUTH_WORKER)
    async with reading(request) as session:
        context = await _proposals_context(request, session, await load_process(session, request))
    return render_page(request, "budgets/staff/proposals.html", context)


async def create_proposal(request: Request) -> Response:
    user, form = staff(request, Role.YOUTH_WORKER), await read_form(request)
    errors: dict[str, str] = {}
    title, summary = text(form, "title"), text(form, "summary")
    check_length(errors, "title", title, gettext("a title"), maximum=120)
    check_length(errors, "summary", summary, gettext("a summary"), maximum=2000)
    fields = ("title", "summary")
    versions = service_versions.read_versions(
        state(request).settings, form, fields, errors, service_versions.PROPOSAL_MAXIMUM
    )
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
            context = await _proposals_context(request, session, process) | {
                **form_context(errors),
                "values": dict(form),
                "versions": versions,
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
        await service_versions.save_versions(
            session, service_versions.PROPOSAL_KIND, row_id(proposal), versions, actor=user, now=now(request)
        )
    return redirect_after_post(request, f"/budgets/staff/{process.slug}/proposals/{proposal.number}")


async def _load_proposal(session: AsyncSession, request: Request) -> tuple[BudgetProcess, BudgetProposal]:
    process = await load_process(session, request)
    proposal = await service.get_proposal(session, row_id(process), path_id(request, "number"))
    if proposal is None:
        raise NotFound()
    return process, proposal


async def _proposal_context(
    request: Request,
    session: AsyncSession,
    process: BudgetProcess,
    proposal: BudgetProposal,
    typed: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    tracked = await service.deliveries_of(session, row_id(process))
    langs = service_versions.languages(state(request).settings)
    versions = await load(session, service_versions.PROPOSAL_KIND, [row_id(proposal)])
    return {
        "version_languages": langs,
        "versions": typed
        or service_versions.stored(versions, row_id(proposal), service_versions.PROPOSAL_FIELDS, langs),
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
        context = await _proposal_context(request, session, process, found)
    return render_page(request, "budgets/staff/proposal.html", context)


async def assess(request: Request) -> Response:
    user, form = staff(request, Role.YOUTH_WORKER), await read_form(request)
    cost, feasibility, reason, errors = forms.parse_assessment(form)
    settings = state(request).settings
    versions = service_versions.read_versions(
        settings, form, service_versions.PROPOSAL_FIELDS, errors, service_versions.PROPOSAL_MAXIMUM
    )
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
            context = await _proposal_context(request, session, process, found, versions) | {
                **form_context(errors),
                "values": dict(form),
            }
            return render_page(request, "budgets/staff/proposal.html", context, status_code=422)
        await service.assess_proposal(
            session, found, cost=cost, feasibility=feasibility, reason=reason, actor=user, now=now(request)
        )
        await service_versions.save_versions(
            session, service_versions.PROPOSAL_KIND, row_id(found), versions, actor=user, now=now(request)
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
            context = await _proposal_context(request, session, process, found) | {
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
            context = await _proposal_context(request, session, process, found) | {
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
