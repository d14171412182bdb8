"""Moderators' pages for paper sheets: bundles typed in twice, differences settled sheet by sheet,
counted, and the doubtful cross-channel matches decided."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from civic.core.choices import options
from civic.core.clock import now
from civic.core.db import reading, row_id, transaction
from civic.core.deps import path_id, staff
from civic.core.errors import NotFound
from civic.core.forms import check_length, read_form, text
from civic.core.htmx import redirect_after_post
from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.rules import require
from civic.core.users import Role, StaffUser
from civic.petitions import service_assisted, service_matching, service_paper, service_scans
from civic.petitions.models import Petition, PetitionPaperBatch
from civic.petitions.service_counting import channel_counts
from civic.petitions.web_common import forget, form_page, load

MESSAGE = _l("Paper sheets are typed in for open and closed petitions, by moderators.")


async def list_context(session: AsyncSession, petition: Petition, *, scan_of: str = "") -> dict[str, Any]:
    rows = await session.exec(
        select(PetitionPaperBatch)
        .where(PetitionPaperBatch.petition_id == petition.id)
        .order_by(col(PetitionPaperBatch.id))
    )
    batches = list(rows.all())
    counts = await channel_counts(session, [row_id(petition)])
    sheets = [("", gettext("The petition as handed in, or sheets of no one bundle"))]
    return {
        "petition": petition,
        "batches": batches,
        "scan_options": options(
            sheets + [(str(b.id), gettext("Bundle: %(label)s", label=b.label)) for b in batches], scan_of
        ),
        "doubtful": await service_matching.doubtful_of(session, row_id(petition)),
        "assisted": await service_assisted.assisted_of(session, row_id(petition)),
        "staff_names": await _staff_names(session),
        "channels": {ch: n for (_pid, ch), n in counts.items()},
        "scans": await service_scans.scans_of(session, row_id(petition)),
        "values": {},
    }


async def _staff_names(session: AsyncSession) -> dict[int, str]:
    rows = await session.exec(select(StaffUser.id, StaffUser.name))
    return {int(i or 0): str(n) for i, n in rows.all()}


async def paper_page(request: Request) -> Response:
    actor, at = staff(request, Role.MODERATOR), now(request)
    async with reading(request) as session:
        petition = await load(session, request)
        require("petitions.enter_paper", actor, petition, now=at, message=str(MESSAGE))
        context = await list_context(session, petition)
    return form_page(request, "petitions/staff/paper.html", context, {})


async def add_batch(request: Request) -> Response:
    actor, form, at = staff(request, Role.MODERATOR), await read_form(request), now(request)
    errors: dict[str, str] = {}
    label = text(form, "label")
    check_length(errors, "label", label, _l("where the sheets came from"), maximum=120)
    raw = text(form, "sheets")
    if not raw.isdigit() or not 1 <= int(raw) <= 200:
        errors["sheets"] = gettext("Enter the number of sheets, a whole number from 1 to 200")
    received = received_day(errors, text(form, "received"), at.date())
    async with transaction(request) as session:
        petition = await load(session, request)
        require("petitions.enter_paper", actor, petition, now=at, message=str(MESSAGE))
        if errors or received is None:
            context = await list_context(session, petition) | {"values": dict(form)}
            return form_page(request, "petitions/staff/paper.html", context, errors)
        batch = await service_paper.add_batch(
            session, petition, label=label, sheets=int(raw), received_on=received.isoformat(),
            actor=actor, now=at,
        )  # fmt: skip
    return redirect_after_post(request, f"/petitions/{petition.id}/paper/{batch.id}")


def received_day(errors: dict[str, str], raw: str, today: date) -> date | None:
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        errors["received"] = gettext("Enter the date the sheets were handed in, like 2026-12-01")
        return None
    if day > today:
        errors["received"] = gettext("The date the sheets were handed in must be today or in the past")
        return None
    return day


async def _load_batch(session: AsyncSession, request: Request) -> tuple[Petition, PetitionPaperBatch]:
    petition = await load(session, request)
    batch = await session.get(PetitionPaperBatch, path_id(request, "batch_id"))
    if batch is None or batch.petition_id != petition.id:
        raise NotFound()
    return petition, batch


async def _batch_context(
    session: AsyncSession, petition: Petition, batch: PetitionPaperBatch
) -> dict[str, Any]:
    states = await service_paper.sheet_states(session, batch)
    return {
        "petition": petition,
        "batch": batch,
        "states": states,
        "typists": await service_paper.typists(session, batch),
        "mismatches": [s for s in states if s.mismatch],
        "ready": all(s.agreed is not None for s in states),
        "values": {},
    }


async def batch_page(request: Request) -> Response:
    actor, at = staff(request, Role.MODERATOR), now(request)
    async with reading(request) as session:
        petition, batch = await _load_batch(session, request)
        require("petitions.enter_paper", actor, petition, now=at, message=str(MESSAGE))
        context = await _batch_context(session, petition, batch)
    return form_page(request, "petitions/staff/paper_batch.html", context, {})


async def _batch_step(request: Request, step: str) -> Response:
    """One step on a bundle (entry, resolve, count); a refused step re-renders the page with 422."""
    actor, form, at = staff(request, Role.MODERATOR), await read_form(request), now(request)
    async with transaction(request) as session:
        petition, batch = await _load_batch(session, request)
        require("petitions.enter_paper", actor, petition, now=at, message=str(MESSAGE))
        field = {"entry": "lines", "count": "count"}.get(step, f"sheet-{text(form, 'sheet')}")
        try:
            if step == "entry":
                sheets = service_paper.parse_bundle(text(form, "lines"), batch.sheets)
                await service_paper.enter_pass(session, batch, sheets, actor=actor, now=at)
            elif step == "resolve":
                sheet = int(text(form, "sheet")) if text(form, "sheet").isdigit() else 0
                lines = service_paper.parse_sheet_lines(text(form, "lines"), sheet)
                await service_paper.resolve_sheet(session, batch, sheet, lines, actor=actor, now=at)
            else:
                await service_paper.count_batch(session, batch, actor=actor, now=at)
        except service_paper.PaperError as exc:
            context = await _batch_context(session, petition, batch) | {"values": dict(form)}
            return form_page(request, "petitions/staff/paper_batch.html", context, {field: str(exc)})
    forget(request, row_id(petition))
    return redirect_after_post(request, f"/petitions/{petition.id}/paper/{batch.id}")


async def enter(request: Request) -> Response:
    return await _batch_step(request, "entry")


async def resolve(request: Request) -> Response:
    return await _batch_step(request, "resolve")


async def count(request: Request) -> Response:
    return await _batch_step(request, "count")


async def decide(request: Request) -> Response:
    """A moderator says whether a doubtful match is a different person (count it) or the same one."""
    actor, form, at = staff(request, Role.MODERATOR), await read_form(request), now(request)
    async with transaction(request) as session:
        petition = await load(session, request)
        require("petitions.enter_paper", actor, petition, now=at, message=str(MESSAGE))
        raw, decision = text(form, "signature_id"), text(form, "decision")
        if not raw.isdigit() or decision not in {"count", "duplicate"}:
            context = await list_context(session, petition)
            return form_page(
                request, "petitions/staff/paper.html", context, {"doubtful": gettext("Choose a decision")}
            )
        await service_matching.decide_doubtful(
            session, row_id(petition), int(raw), count=decision == "count", actor=actor, now=at
        )
    forget(request, row_id(petition))
    return redirect_after_post(request, f"/petitions/{petition.id}/paper")
