"""Staff pages for paper forms: a bundle is typed in twice, differences settled sheet by sheet, then counted."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from civic.core import double_entry
from civic.core.db import reading, row_id, transaction
from civic.core.deps import now, path_id, staff
from civic.core.double_entry import PaperError
from civic.core.errors import Conflict, NotFound
from civic.core.forms import Errors, check_length, check_no_formula, form_context, read_form, text
from civic.core.htmx import redirect_after_post
from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.rules import require
from civic.core.templating import render_page
from civic.core.users import Role, StaffUser
from civic.surveys import forms, paper, queries, service, service_paper
from civic.surveys.models import Survey, SurveyPaperBatch
from civic.surveys.questions import questions_of
from civic.surveys.staff import detail_context

NOT_YET = _l("Paper forms are typed in once the survey is open.")


async def add_batch(request: Request) -> Response:
    user, form, at = staff(request, Role.ADMIN), await read_form(request), now(request)
    errors: Errors = {}
    label = text(form, "paper_label")
    check_length(errors, "paper_label", label, gettext("where the forms came from"), maximum=120)
    check_no_formula(errors, "paper_label", label, gettext("The label"))
    sheets = forms.whole_number(errors, form, "sheets", gettext("how many forms"), low=1, high=500)
    async with transaction(request) as session:
        survey = await service.get_survey_by_id(session, path_id(request, "survey_id"))
        require("surveys.enter_paper", user, survey, now=at, otherwise=Conflict(str(NOT_YET)))
        wards = {w.code for w in await queries.wards_covered(session, survey)}
        ward = text(form, "ward_code")
        if ward not in wards:
            errors["ward_code"] = gettext("Choose the ward the forms came from")
        if errors:
            context = await detail_context(session, survey) | {**form_context(errors), "values": dict(form)}
            return render_page(request, "surveys/staff/survey.html", context, status_code=422)
        batch = await service_paper.add_batch(
            session, survey, ward_code=ward, label=label, sheets=sheets, actor=user, now=at
        )
    return redirect_after_post(request, f"/surveys/manage/paper/{batch.id}")


async def _load(session: AsyncSession, request: Request) -> tuple[Survey, SurveyPaperBatch]:
    batch = await session.get(SurveyPaperBatch, path_id(request, "batch_id"))
    if batch is None:
        raise NotFound()
    return await service.get_survey_by_id(session, batch.survey_id), batch


async def _context(session: AsyncSession, survey: Survey, batch: SurveyPaperBatch) -> dict[str, Any]:
    states = await service_paper.sheet_states(session, batch)
    return {
        "survey": survey,
        "batch": batch,
        "questions": questions_of(survey.questions),
        "states": states,
        "typists": await service_paper.typists(session, batch),
        "mismatches": [s for s in states if s.mismatch],
        "ready": double_entry.ready(states),
        "values": {},
        **form_context({}),
    }


async def batch_page(request: Request) -> Response:
    user = staff(request, Role.ADMIN)
    require("surveys.manage", user, now=now(request))
    async with reading(request) as session:
        survey, batch = await _load(session, request)
        context = await _context(session, survey, batch)
    return render_page(request, "surveys/staff/paper_batch.html", context)


async def _refuse(request: Request, session: AsyncSession, survey: Survey, batch: SurveyPaperBatch,
                  field: str, message: str, form: FormData) -> Response:  # fmt: skip
    context = await _context(session, survey, batch) | {
        **form_context({field: message}),
        "values": dict(form),
    }
    return render_page(request, "surveys/staff/paper_batch.html", context, status_code=422)


async def _begin(request: Request) -> tuple[StaffUser, FormData]:
    user, form = staff(request, Role.ADMIN), await read_form(request)
    return user, form


async def enter(request: Request) -> Response:
    user, form = await _begin(request)
    at = now(request)
    async with transaction(request) as session:
        survey, batch = await _load(session, request)
        require("surveys.enter_paper", user, survey, now=at, otherwise=Conflict(str(NOT_YET)))
        try:
            sheets = paper.parse_lines(text(form, "lines"), questions_of(survey.questions), batch.sheets)
            await service_paper.enter_pass(session, batch, sheets, actor=user, now=at)
        except PaperError as exc:
            return await _refuse(request, session, survey, batch, "lines", str(exc), form)
    return redirect_after_post(request, f"/surveys/manage/paper/{row_id(batch)}")


async def resolve(request: Request) -> Response:
    user, form = await _begin(request)
    at = now(request)
    async with transaction(request) as session:
        survey, batch = await _load(session, request)
        require("surveys.enter_paper", user, survey, now=at, otherwise=Conflict(str(NOT_YET)))
        raw_sheet = text(form, "sheet")
        try:
            sheet = int(raw_sheet) if raw_sheet.isdigit() and len(raw_sheet) < 6 else 0
            answers = paper.parse_sheet(text(form, "answers"), questions_of(survey.questions), sheet)
            await service_paper.resolve_sheet(session, batch, sheet, answers, actor=user, now=at)
        except PaperError as exc:
            field = f"sheet-{sheet}" if sheet else "answers"
            return await _refuse(request, session, survey, batch, field, str(exc), form)
    return redirect_after_post(request, f"/surveys/manage/paper/{row_id(batch)}")


async def count(request: Request) -> Response:
    user, form = await _begin(request)
    at = now(request)
    async with transaction(request) as session:
        survey, batch = await _load(session, request)
        require("surveys.enter_paper", user, survey, now=at, otherwise=Conflict(str(NOT_YET)))
        try:
            await service_paper.count_batch(session, batch, survey, actor=user, now=at)
        except PaperError as exc:
            return await _refuse(request, session, survey, batch, "count", str(exc), form)
    return redirect_after_post(request, f"/surveys/manage/paper/{row_id(batch)}")
