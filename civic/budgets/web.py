"""Public pages: processes, ideas, proposals, results, delivery and their open-data forms."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from civic.budgets import (
    answers,
    forms,
    opendata,
    service,
    service_count,
    service_results,
    service_versions,
    summary,
    web_maps,
)
from civic.budgets.models import BudgetProcess, Feasibility, IdeaStatus
from civic.budgets.tally import TIE_BREAK_TEXT
from civic.core import countrecord
from civic.core.auth import current_user
from civic.core.clock import now
from civic.core.db import reading, row_id, transaction
from civic.core.errors import NotFound
from civic.core.forms import form_context, read_form
from civic.core.i18n import gettext
from civic.core.paths import parse_id
from civic.core.publish import OGL, csv_of_records, json_response, shown_count
from civic.core.ratelimit import rate_limited
from civic.core.rules import require
from civic.core.templating import render_page
from civic.responses import queries_timeline

OPEN_DATA_CACHE = "public, max-age=300"
PROPOSAL_COLUMNS = ("number", "title", "summary", "area", "cost", "feasibility", "reason")
RESULT_COLUMNS = ("area", "project", "title", "cost", "votes", "funded", "stage", "explanation")
DELIVERY_COLUMNS = (
    "project", "title", "cost", "owner", "status", "percent", "latest_update", "latest_update_at",
)  # fmt: skip


async def load_process(session: AsyncSession, request: Request) -> BudgetProcess:
    process = await service.get_process(session, request.path_params["slug"])
    if process is None:
        raise NotFound()
    return process


async def index(request: Request) -> Response:
    async with reading(request) as session:
        processes = await service.list_processes(session)
        show = await service_versions.shower(session, request, processes)
    shown = [show.process(p) for p in processes]
    return render_page(request, "budgets/index.html", {"processes": shown, "at": now(request)})


async def process_page(request: Request) -> Response:
    async with reading(request) as session:
        process = await load_process(session, request)
        areas = await service.areas_of(session, row_id(process))
        proposals = await service.proposals_of(session, row_id(process))
        published = await service_results.latest_result(session, row_id(process), published=True)
        process, proposals = await service_versions.shown(session, request, process, proposals)
    context = {
        "process": process,
        "notice": service_versions.notice(process),
        "areas": areas,
        "proposals": proposals,
        "phase": process.phase(now(request)),
        "published": published,
    }
    return render_page(request, "budgets/process.html", context)


async def ideas(request: Request) -> Response:
    async with reading(request) as session:
        process = await load_process(session, request)
        shown = await service.ideas_of(session, row_id(process), statuses=(IdeaStatus.PUBLISHED,))
    return render_page(request, "budgets/ideas.html", {"process": process, "ideas": shown})


async def idea_form(request: Request) -> Response:
    async with reading(request) as session:
        process = await load_process(session, request)
    require(
        "budgets.submit_idea",
        current_user(request),
        process,
        now=now(request),
        message=gettext("Ideas are not open now."),
    )
    return render_page(
        request,
        "budgets/idea_form.html",
        {"process": process, "values": {}, "errors": {}, "age_pairs": forms.OWN_AGE_PAIRS},
    )


@rate_limited("BUDGET_IDEAS_PER_HOUR")
async def submit_idea(request: Request) -> Response:
    form = await read_form(request)
    async with transaction(request) as session:
        process = await load_process(session, request)
        require(
            "budgets.submit_idea",
            current_user(request),
            process,
            now=now(request),
            message=gettext("Ideas are not open now."),
        )
        idea, errors = forms.parse_idea(form, row_id(process), now(request))
        if errors:
            context = {
                "process": process,
                "values": dict(form),
                **form_context(errors),
                "age_pairs": forms.OWN_AGE_PAIRS,
            }
            return render_page(request, "budgets/idea_form.html", context, status_code=422)
        await service.submit_idea(session, idea)
    return render_page(request, "budgets/idea_thanks.html", {"process": process, "idea": idea})


async def proposals(request: Request) -> Response:
    async with reading(request) as session:
        process = await load_process(session, request)
        rows = await service.proposals_of(session, row_id(process))
        areas = {a.id: a.name for a in await service.areas_of(session, row_id(process))}
        checked = [p for p in rows if p.feasibility != Feasibility.PENDING]
        process, shown = await service_versions.shown(session, request, process, checked)
    context = {
        "process": process,
        "proposals": shown,
        "areas": areas,
        "notice": service_versions.notice(*shown),
    }
    return render_page(request, "budgets/proposals.html", context)


def as_csv(columns: tuple[str, ...], rows: list[dict[str, Any]], name: str) -> Response:
    return csv_of_records(columns, rows, f"{name}.csv", cache=OPEN_DATA_CACHE)


def as_json(rows: Any) -> Response:
    return json_response(rows, cache=OPEN_DATA_CACHE)


def _fmt(request: Request) -> str:
    fmt = str(request.path_params["fmt"])
    if fmt not in {"csv", "json"}:
        raise HTTPException(404)
    return fmt


async def proposals_data(request: Request) -> Response:
    _fmt(request)
    async with reading(request) as session:
        process = await load_process(session, request)
        areas: dict[int | None, str] = {
            a.id: a.name for a in await service.areas_of(session, row_id(process))
        }
        checked = [
            p
            for p in await service.proposals_of(session, row_id(process))
            if p.feasibility != Feasibility.PENDING
        ]
        rows = [opendata.proposal_record(p, areas) for p in checked]
        ids = [row_id(p) for p in checked]
        extra = await service_versions.add_open_data(
            session, request, rows, ids, ("title", "summary", "reason")
        )
    if request.path_params["fmt"] == "csv":
        return as_csv((*PROPOSAL_COLUMNS, *extra), rows, f"{process.slug}-proposals")
    return as_json(rows)


async def _published(session: AsyncSession, process: BudgetProcess) -> Any:
    result = await service_results.latest_result(session, row_id(process), published=True)
    if result is None:
        raise NotFound(gettext("The results have not been published yet."))
    return result


async def results_page(request: Request) -> Response:
    async with reading(request) as session:
        process = await load_process(session, request)
        result = await service_results.latest_result(session, row_id(process), published=True)
        proposals_ = await service.proposals_of(session, row_id(process))
        overrides = await service.overrides_of(session, row_id(process))
        turnout = await service_results.turnout(session, process)
        loaded = await web_maps.load_map(session, process)
        record = await countrecord.published(session, service_count.KIND, result.id) if result else None
        # the steps the budget led on to: the youth service's answer, each project's delivery
        steps = await queries_timeline.timeline(session, answers.KIND, row_id(process), now(request))
        process, proposals_ = await service_versions.shown(session, request, process, proposals_)
    data = json.loads(result.outcome_json) if result else None
    titles = {str(p.number): p.title for p in proposals_}
    context = {
        "summary": summary.summary(data, titles, shown_count) if data else [],
        "process": process,
        "result": result,
        "data": data,
        # overrides made after the published count did not take part in it; the page says so
        "excluded": {str(n) for n in service_results.excluded_numbers(result)} if result else set(),
        "titles": titles,
        "numbers": {p.id: p.number for p in proposals_},
        "overrides": overrides,
        "turnout": turnout,
        "ward_map": loaded[0] if loaded else None,
        "count_record": record,
        "timeline": steps,
        "explanation": service_results.explanation,  # a stored explanation in the reader's language
    }
    return render_page(request, "budgets/results.html", context)


async def results_data(request: Request) -> Response:
    _fmt(request)
    async with reading(request) as session:
        process = await load_process(session, request)
        result = await _published(session, process)
        proposals_ = await service.proposals_of(session, row_id(process))
        rows = service_results.result_rows(result, proposals_)
        extra = await service_versions.add_open_data(
            session, request, rows, service_versions.ids_of(rows, proposals_), ("title",)
        )
    if request.path_params["fmt"] == "csv":
        return as_csv((*RESULT_COLUMNS, *extra), rows, f"{process.slug}-results")
    return as_json(
        {
            "process": process.slug,
            "rule": result.rule.value,
            "published_at": result.published_at.isoformat() if result.published_at else None,
            "tie_break": TIE_BREAK_TEXT,
            "areas": service_results.area_summaries(result),
            "projects": rows,
        }
    )


async def ballots_pb(request: Request) -> Response:
    async with reading(request) as session:
        process = await load_process(session, request)
        await _published(session, process)
        area = request.query_params.get("area")
        text = await service_results.export_pabulib(session, process, parse_id(area))
    headers = {
        "Cache-Control": OPEN_DATA_CACHE,
        "X-Licence": OGL,
        "Content-Disposition": f'attachment; filename="{process.slug}.pb"',
    }
    return Response(text, media_type="text/plain; charset=utf-8", headers=headers)


async def delivery(request: Request) -> Response:
    async with reading(request) as session:
        process = await load_process(session, request)
        tracked = await service.deliveries_of(session, row_id(process))
        proposals_ = [p for p in await service.proposals_of(session, row_id(process)) if p.id in tracked]
        updates = await service.updates_of(session, [row_id(p) for p in proposals_])
        process, proposals_ = await service_versions.shown(session, request, process, proposals_)
    context = {"process": process, "proposals": proposals_, "tracked": tracked, "updates": updates}
    return render_page(request, "budgets/delivery.html", context)


async def delivery_data(request: Request) -> Response:
    _fmt(request)
    async with reading(request) as session:
        process = await load_process(session, request)
        tracked = await service.deliveries_of(session, row_id(process))
        proposals_ = [p for p in await service.proposals_of(session, row_id(process)) if p.id in tracked]
        updates = await service.updates_of(session, [row_id(p) for p in proposals_])
        rows = [
            opendata.delivery_record(p, tracked[row_id(p)], updates.get(row_id(p), [])) for p in proposals_
        ]
        extra = await service_versions.add_open_data(
            session, request, rows, [row_id(p) for p in proposals_], ("title",)
        )
    if request.path_params["fmt"] == "csv":
        return as_csv((*DELIVERY_COLUMNS, *extra), rows, f"{process.slug}-delivery")
    for row, p in zip(rows, proposals_, strict=True):  # JSON can carry every dated update
        row["updates"] = [
            {"at": u.at.isoformat(), "status": u.status.value, "percent": u.percent, "text": u.text}
            for u in updates.get(row_id(p), [])
        ]
    return as_json(rows)
