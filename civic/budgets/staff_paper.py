"""Youth-worker pages for paper ballots: bundles typed in twice (typed lines or a CSV upload),
differences settled sheet by sheet, then counted."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from civic.budgets import forms, queries, service, service_paper
from civic.budgets.models import AGE_BANDS, BudgetPaperBatch, BudgetProcess
from civic.budgets.web import load_process
from civic.core.clock import now
from civic.core.db import reading, row_id, transaction
from civic.core.deps import path_id, staff
from civic.core.errors import NotFound
from civic.core.forms import UploadedFile, check_length, form_context, read_form, text
from civic.core.htmx import redirect_after_post
from civic.core.i18n import gettext
from civic.core.rules import require
from civic.core.templating import render_page
from civic.core.users import Role


async def _paper_list_context(session: AsyncSession, process: BudgetProcess) -> dict[str, Any]:
    return {
        "process": process,
        "batches": await queries.paper_batches_of(session, row_id(process)),
        "area_pairs": forms.area_pairs(await service.areas_of(session, row_id(process))),
        "band_pairs": forms.BAND_PAIRS,
        "errors": {},
        "values": {},
    }


async def paper_batches(request: Request) -> Response:
    staff(request, Role.YOUTH_WORKER)
    async with reading(request) as session:
        context = await _paper_list_context(session, await load_process(session, request))
    return render_page(request, "budgets/staff/paper.html", context)


async def create_paper_batch(request: Request) -> Response:
    user, form, at = staff(request, Role.YOUTH_WORKER), await read_form(request), now(request)
    errors: dict[str, str] = {}
    label = text(form, "label")
    check_length(errors, "label", label, gettext("where the ballots came from"), maximum=120)
    sheets = forms.whole_number(errors, form, "sheets", gettext("how many sheets"), low=1, high=500)
    async with transaction(request) as session:
        process = await load_process(session, request)
        require(
            "budgets.enter_paper",
            user,
            process,
            now=at,
            message=gettext("Paper ballots are entered during and after voting."),
        )
        areas = await service.areas_of(session, row_id(process))
        area = next((a for a in areas if str(a.id) == text(form, "area_id")), None)
        if areas and area is None:
            errors["area_id"] = gettext("Choose the area of these ballots")
        if errors:
            context = await _paper_list_context(session, process) | {
                **form_context(errors),
                "values": dict(form),
            }
            return render_page(request, "budgets/staff/paper.html", context, status_code=422)
        batch = await service_paper.add_batch(
            session,
            process,
            area_id=None if area is None else area.id,
            label=label,
            age_band=text(form, "age_band") if text(form, "age_band") in AGE_BANDS else "",
            sheets=sheets,
            now=at,
        )
    return redirect_after_post(request, f"/budgets/staff/{process.slug}/paper/{batch.id}")


async def _load_batch(session: AsyncSession, request: Request) -> tuple[BudgetProcess, BudgetPaperBatch]:
    process = await load_process(session, request)
    batch = await session.get(BudgetPaperBatch, path_id(request, "batch_id"))
    if batch is None or batch.process_id != process.id:
        raise NotFound()
    return process, batch


async def _batch_context(
    session: AsyncSession, process: BudgetProcess, batch: BudgetPaperBatch
) -> dict[str, Any]:
    states = await service_paper.sheet_states(session, batch)
    return {
        "process": process,
        "batch": batch,
        "states": states,
        "typists": await service_paper.typists(session, batch),
        "mismatches": [s for s in states if s.mismatch],
        "ready": all(s.agreed is not None for s in states),
        "proposals": [
            p
            for p in await service.proposals_of(session, row_id(process), feasible_only=True)
            if not batch.area_id or p.area_id == batch.area_id
        ],
        "errors": {},
        "values": {},
    }


async def paper_batch(request: Request) -> Response:
    staff(request, Role.YOUTH_WORKER)
    async with reading(request) as session:
        process, batch = await _load_batch(session, request)
        context = await _batch_context(session, process, batch)
    return render_page(request, "budgets/staff/paper_batch.html", context)


async def _paper_error(
    request: Request,
    session: AsyncSession,
    process: BudgetProcess,
    batch: BudgetPaperBatch,
    field: str,
    message: str,
    form: Any,
) -> Response:
    errors = {field: message}
    context = await _batch_context(session, process, batch) | {
        **form_context(errors),
        "values": dict(form),
    }
    return render_page(request, "budgets/staff/paper_batch.html", context, status_code=422)


async def enter_paper(request: Request) -> Response:
    user, form, at = staff(request, Role.YOUTH_WORKER), await read_form(request), now(request)
    upload = form.get("file")
    async with transaction(request) as session:
        process, batch = await _load_batch(session, request)
        require(
            "budgets.enter_paper",
            user,
            process,
            now=at,
            message=gettext("Paper ballots are entered during and after voting."),
        )
        try:
            if isinstance(upload, UploadedFile) and upload.filename:
                sheets, how = service_paper.parse_csv(upload.text(), batch.sheets), "CSV upload"
            else:
                sheets, how = service_paper.parse_lines(text(form, "lines"), batch.sheets), "typed"
            await service_paper.enter_pass(session, batch, sheets, actor=user, now=at, how=how)
        except service_paper.PaperError as exc:
            return await _paper_error(request, session, process, batch, "lines", str(exc), form)
    return redirect_after_post(request, f"/budgets/staff/{process.slug}/paper/{batch.id}")


async def resolve_paper(request: Request) -> Response:
    user, form, at = staff(request, Role.YOUTH_WORKER), await read_form(request), now(request)
    async with transaction(request) as session:
        process, batch = await _load_batch(session, request)
        require("budgets.enter_paper", user, process, now=at)
        sheet = text(form, "sheet")
        try:
            numbers = service_paper.parse_lines(text(form, "choices") or "-", 1)[1]
            await service_paper.resolve_sheet(
                session, batch, int(sheet) if sheet.isdigit() else 0, numbers, actor=user, now=at
            )
        except service_paper.PaperError as exc:
            return await _paper_error(request, session, process, batch, f"sheet-{sheet}", str(exc), form)
    return redirect_after_post(request, f"/budgets/staff/{process.slug}/paper/{batch.id}")


async def count_paper(request: Request) -> Response:
    user, form, at = staff(request, Role.YOUTH_WORKER), await read_form(request), now(request)
    async with transaction(request) as session:
        process, batch = await _load_batch(session, request)
        require("budgets.enter_paper", user, process, now=at)
        areas = await service.areas_of(session, row_id(process))
        proposals = [
            p
            for p in await service.proposals_of(session, row_id(process), feasible_only=True)
            if not batch.area_id or p.area_id == batch.area_id
        ]
        try:
            await service_paper.count_batch(
                session,
                batch,
                process,
                proposals,
                service.area_budget(process, areas, batch.area_id),
                actor=user,
                now=at,
            )
        except service_paper.PaperError as exc:
            return await _paper_error(request, session, process, batch, "count", str(exc), form)
    return redirect_after_post(request, f"/budgets/staff/{process.slug}/paper/{batch.id}")
