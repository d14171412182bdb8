"""Youth-worker pages for voting codes (cards, CSV, cancelling) and results (count, publish)."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from civic.budgets import forms, notify, service, service_codes, service_results
from civic.budgets.models import AGE_BANDS, BudgetCodeBatch, BudgetProcess, BudgetResult
from civic.budgets.settings import BudgetSettings
from civic.budgets.web import load_process
from civic.core.clock import now
from civic.core.db import reading, row_id, transaction
from civic.core.deps import path_id, settings_of, staff, state
from civic.core.errors import Conflict, NotFound
from civic.core.forms import check_length, form_context, read_form, text
from civic.core.htmx import redirect_after_post
from civic.core.i18n import gettext
from civic.core.publish import csv_text
from civic.core.rules import require
from civic.core.templating import render_page
from civic.core.users import Role


async def _codes_context(session: AsyncSession, process: BudgetProcess) -> dict[str, Any]:
    batches = await service_codes.batches_of(session, row_id(process))
    usage = {b.id: await service_codes.batch_usage(session, row_id(b)) for b in batches}
    areas = await service.areas_of(session, row_id(process))
    return {
        "process": process,
        "batches": batches,
        "usage": usage,
        "area_pairs": forms.area_pairs(areas),
        "band_pairs": forms.BAND_PAIRS,
        "format_pairs": forms.CODE_FORMAT_PAIRS,
        "errors": {},
        "values": {},
    }


async def code_batches(request: Request) -> Response:
    staff(request, Role.YOUTH_WORKER)
    async with reading(request) as session:
        context = await _codes_context(session, await load_process(session, request))
    return render_page(request, "budgets/staff/codes.html", context)


async def create_codes(request: Request) -> Response:
    """Codes are shown once: the response *is* the printable cards page or the CSV (no redirect)."""
    user, form, at = staff(request, Role.YOUTH_WORKER), await read_form(request), now(request)
    settings = state(request).settings
    errors: dict[str, str] = {}
    label = text(form, "label")
    check_length(errors, "label", label, gettext("who the codes are for"), maximum=120)
    size = forms.whole_number(
        errors,
        form,
        "size",
        gettext("how many codes"),
        low=1,
        high=settings_of(request, BudgetSettings).max_codes_per_batch,
    )
    band = text(form, "age_band") if text(form, "age_band") in AGE_BANDS else ""
    async with transaction(request) as session:
        process = await load_process(session, request)
        require(
            "budgets.issue_codes",
            user,
            process,
            now=at,
            message=gettext("Codes can only be issued until voting closes."),
        )
        areas = await service.areas_of(session, row_id(process))
        area = next((a for a in areas if str(a.id) == text(form, "area_id")), None)
        if areas and area is None:
            errors["area_id"] = gettext("Choose the area these voters belong to")
        if errors:
            context = await _codes_context(session, process) | {
                **form_context(errors),
                "values": dict(form),
            }
            return render_page(request, "budgets/staff/codes.html", context, status_code=422)
        batch, plain = await service_codes.create_batch(
            session,
            process,
            actor=user,
            secret=settings.secret_key,
            label=label,
            size=size,
            area_id=None if area is None else area.id,
            age_band=band,
            now=at,
        )
    no_store = {"Cache-Control": "no-store"}
    if text(form, "format") == "csv":
        vote_at = settings.url(f"/budgets/{process.slug}/vote")
        area_name = "" if area is None else area.name
        body = csv_text(
            ["code", "batch", "area", "age_band", "vote_at"],
            ([code, label, area_name, band, vote_at] for code in plain),
        )  # the label is staff's text: guarded like every other CSV cell
        headers = {
            **no_store,
            "Content-Disposition": f'attachment; filename="{process.slug}-codes-{batch.id}.csv"',
        }
        return Response(body, media_type="text/csv; charset=utf-8", headers=headers)
    context = {
        "process": process,
        "batch": batch,
        "codes": plain,
        "area": area,
        "vote_url": settings.url(f"/budgets/{process.slug}/vote"),
    }
    return render_page(request, "budgets/staff/code_cards.html", context, headers=no_store)


async def void_batch(request: Request) -> Response:
    user, form, at = staff(request, Role.YOUTH_WORKER), await read_form(request), now(request)
    async with transaction(request) as session:
        process = await load_process(session, request)
        batch = await session.get(BudgetCodeBatch, path_id(request, "batch_id"))
        if batch is None or batch.process_id != process.id:
            raise NotFound()
        if batch.voided_at is not None:
            raise Conflict(gettext("This batch is already cancelled."))
        await service_codes.void_batch(
            session, batch, actor=user, reason=text(form, "reason")[:500] or "Cancelled", now=at
        )
    return redirect_after_post(request, f"/budgets/staff/{process.slug}/codes")


async def void_code(request: Request) -> Response:
    user, form, at = staff(request, Role.YOUTH_WORKER), await read_form(request), now(request)
    async with transaction(request) as session:
        process = await load_process(session, request)
        done = await service_codes.void_code(
            session,
            process,
            secret=state(request).settings.secret_key,
            raw=text(form, "code"),
            actor=user,
            reason=text(form, "reason")[:500] or "Card lost",
            now=at,
        )
        if not done:
            errors = {"code": gettext("No unused code like that was found in this budget")}
            context = await _codes_context(session, process) | {
                **form_context(errors),
            }
            return render_page(request, "budgets/staff/codes.html", context, status_code=422)
    return redirect_after_post(request, f"/budgets/staff/{process.slug}/codes?voided=1")


# --- results ----------------------------------------------------------------------------------------


async def results_admin(request: Request) -> Response:
    staff(request, Role.YOUTH_WORKER)
    async with reading(request) as session:
        process = await load_process(session, request)
        latest = await service_results.latest_result(session, row_id(process), published=False)
        published = await service_results.latest_result(session, row_id(process), published=True)
        proposals = await service.proposals_of(session, row_id(process))
        turnout = await service_results.turnout(session, process)
    context = {
        "process": process,
        "latest": latest,
        "published": published,
        "turnout": turnout,
        "rows": service_results.result_rows(latest, proposals) if latest else [],
        "overrides": await _overrides(request, process),
    }
    return render_page(request, "budgets/staff/results.html", context)


async def _overrides(request: Request, process: BudgetProcess) -> list[Any]:
    async with reading(request) as session:
        return await service.overrides_of(session, row_id(process))


async def compute_results(request: Request) -> Response:
    user, at = staff(request, Role.YOUTH_WORKER), now(request)
    async with transaction(request) as session:
        process = await load_process(session, request)
        require(
            "budgets.count", user, process, now=at, message=gettext("Votes are counted after voting closes.")
        )
        await service_results.compute(session, process, actor=user, now=at)
    return redirect_after_post(request, f"/budgets/staff/{process.slug}/results")


async def publish_results(request: Request) -> Response:
    user, at = staff(request, Role.YOUTH_WORKER), now(request)
    async with transaction(request) as session:
        process = await load_process(session, request)
        require(
            "budgets.count",
            user,
            process,
            now=at,
            message=gettext("Results are published after voting closes."),
        )
        result = await session.get(BudgetResult, path_id(request, "result_id"))
        if result is None or result.process_id != process.id:
            raise NotFound()
        if result.published_at is not None:
            raise Conflict(gettext("This result is already published."))
        latest = await service_results.latest_result(session, row_id(process), published=False)
        if latest is None or latest.id != result.id:
            raise Conflict(gettext("A newer count exists; publish the newest count."))
        funded = await service_results.publish(session, result, process, actor=user, now=at)
        plain = await service_results.plain_summary(session, process, result)
        await notify.results_published(session, state(request).mail, process, funded, now=at, summary=plain)
    return redirect_after_post(request, f"/budgets/{process.slug}/results")
