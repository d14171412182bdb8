"""Team pages for a round's paper ballots: bundles typed in twice by two different people,
differences settled sheet by sheet, then counted (civic/priorities/service_paper.py)."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from civic.core.clock import now
from civic.core.db import reading, row_id, transaction
from civic.core.deps import path_id
from civic.core.errors import NotFound
from civic.core.forms import Errors, check_length, check_no_formula, form_context, read_form, text
from civic.core.htmx import redirect_after_post
from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.rules import require
from civic.core.templating import render_page
from civic.priorities import forms, service, service_paper, service_results
from civic.priorities.models import PaperBatch, PriorityRound, RoundState
from civic.priorities.staff import load_round

MESSAGE = _l("Paper ballots are typed in while voting is open and until the results are published.")


async def _list_context(session: AsyncSession, item: PriorityRound) -> dict[str, Any]:
    return {"round": item, "batches": await service_paper.batches_of(session, row_id(item))}


async def paper_batches(request: Request, errors: Errors | None = None, values: Any = None) -> Response:
    _user, item = await load_round(request)
    async with reading(request) as session:
        context = await _list_context(session, item)
    context |= {**form_context(errors or {}), "values": values or {}}
    return render_page(request, "priorities/manage/paper.html", context, status_code=422 if errors else 200)


async def create_batch(request: Request) -> Response:
    user, item = await load_round(request)
    form, at = await read_form(request), now(request)
    require("priorities.enter_paper", user, item, now=at, message=str(MESSAGE))
    errors: Errors = {}
    label = text(form, "label")
    check_length(errors, "label", label, gettext("where the ballots came from"), maximum=120)
    check_no_formula(errors, "label", label, gettext("where the ballots came from"))
    sheets = forms.parse_int(errors, form, "sheets", gettext("The number of sheets"), low=1, high=500)
    if errors:
        return await paper_batches(request, errors, dict(form))
    async with transaction(request) as session:
        batch = await service_paper.add_batch(session, item, label=label, sheets=sheets, actor=user, now=at)
    return redirect_after_post(request, f"/priorities/manage/rounds/{item.id}/paper/{batch.id}")


async def _load_batch(session: AsyncSession, request: Request, item: PriorityRound) -> PaperBatch:
    batch = await session.get(PaperBatch, path_id(request, "batch_id"))
    if batch is None or batch.round_id != item.id:
        raise NotFound()
    return batch


async def batch_page(
    request: Request, errors: Errors | None = None, form: FormData | None = None
) -> Response:
    _user, item = await load_round(request)
    async with reading(request) as session:
        batch = await _load_batch(session, request, item)
        states = await service_paper.sheet_states(session, batch)
        context = {
            "round": item,
            "batch": batch,
            "states": states,
            "typists": await service_paper.typists(session, batch),
            "mismatches": [s for s in states if s.mismatch],
            "ready": all(s.agreed is not None for s in states),
            "candidates": await service.candidates_of(session, row_id(item)),
            **form_context(errors or {}),
            "values": dict(form or {}),
        }
    return render_page(
        request, "priorities/manage/paper_batch.html", context, status_code=422 if errors else 200
    )


async def enter_sheets(request: Request) -> Response:
    user, item = await load_round(request)
    form, at = await read_form(request), now(request)
    require("priorities.enter_paper", user, item, now=at, message=str(MESSAGE))
    try:
        async with transaction(request) as session:
            batch = await _load_batch(session, request, item)
            sheets = service_paper.parse_sheets(text(form, "lines"), batch.sheets, method=item.method)
            await service_paper.enter_pass(session, batch, sheets, actor=user, now=at)
    except service_paper.PaperError as exc:
        return await batch_page(request, {"lines": str(exc)}, form)
    return redirect_after_post(
        request, f"/priorities/manage/rounds/{item.id}/paper/{path_id(request, 'batch_id')}"
    )


async def settle_sheet(request: Request) -> Response:
    user, item = await load_round(request)
    form, at = await read_form(request), now(request)
    require("priorities.enter_paper", user, item, now=at, message=str(MESSAGE))
    sheet = text(form, "sheet")
    number = int(sheet) if sheet.isdigit() and len(sheet) < 4 else 0
    try:
        async with transaction(request) as session:
            batch = await _load_batch(session, request, item)
            where = gettext("Sheet %(sheet)s", sheet=number)
            line = service_paper.canonical_sheet(
                text(form, "choices") or "-", method=item.method, where=where
            )
            await service_paper.resolve_sheet(session, batch, number, line, actor=user, now=at)
    except service_paper.PaperError as exc:
        return await batch_page(request, {f"sheet-{number}": str(exc)}, form)
    return redirect_after_post(
        request, f"/priorities/manage/rounds/{item.id}/paper/{path_id(request, 'batch_id')}"
    )


async def count_sheets(request: Request) -> Response:
    user, item = await load_round(request)
    at = now(request)
    require("priorities.enter_paper", user, item, now=at, message=str(MESSAGE))
    try:
        async with transaction(request) as session:
            batch = await _load_batch(session, request, item)
            candidates = await service.candidates_of(session, row_id(item))
            await service_paper.count_batch(session, batch, item, candidates, actor=user, now=at)
            fresh = await service.get_round(session, row_id(item))
            if fresh is not None and fresh.state == RoundState.CLOSED:
                await service_results.compute_results(session, fresh)  # the close already counted once
    except service_paper.PaperError as exc:
        return await batch_page(request, {"count": str(exc)})
    return redirect_after_post(
        request, f"/priorities/manage/rounds/{item.id}/paper/{path_id(request, 'batch_id')}"
    )
