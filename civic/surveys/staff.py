"""Staff pages: set a survey up, open and close it, and make one-time codes for letters and meetings."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from civic.core.areas import list_neighbourhoods, list_wards
from civic.core.choices import options
from civic.core.db import reading, row_id, transaction
from civic.core.deps import now, path_id, settings, staff
from civic.core.errors import Conflict
from civic.core.forms import Errors, check_length, check_no_formula, form_context, read_form, text
from civic.core.htmx import redirect_after_post
from civic.core.i18n import gettext
from civic.core.rules import require
from civic.core.templating import render_page
from civic.core.users import Role
from civic.surveys import forms, queries, service, service_answering, service_codes, service_paper
from civic.surveys.models import Survey
from civic.surveys.questions import questions_of


async def _list_context(session: AsyncSession, errors: Errors, values: dict[str, Any]) -> dict[str, Any]:
    pairs = forms.area_pairs(await list_wards(session), await list_neighbourhoods(session))
    return {
        "surveys": await queries.surveys(session, public=False),
        "area_items": options(pairs, values.get("area", "council")),
        "question_items": options(forms.QUESTION_PAIRS, values.get("questions", []), id_prefix="questions"),
        "values": values,
        **form_context(errors),
    }


async def survey_list(request: Request) -> Response:
    user = staff(request, Role.ADMIN)
    require("surveys.manage", user, now=now(request))
    async with reading(request) as session:
        context = await _list_context(session, {}, {})
    return render_page(request, "surveys/staff/list.html", context)


async def create_survey(request: Request) -> Response:
    user, form, at = staff(request, Role.ADMIN), await read_form(request), now(request)
    require("surveys.manage", user, now=at)
    async with transaction(request) as session:
        new, errors = forms.parse_survey(form, await list_wards(session), await list_neighbourhoods(session))
        if new is None:
            values = {**dict(form), "questions": form.getlist("questions")}
            context = await _list_context(session, errors, values)
            return render_page(request, "surveys/staff/list.html", context, status_code=422)
        survey = await service.create_survey(
            session, actor=user, slug=new.slug, title=new.title, area_kind=new.area_kind,
            area_code=new.area_code, area_name=new.area_name, questions=new.questions, now=at,
        )  # fmt: skip
    return redirect_after_post(request, f"/surveys/manage/{survey.id}")


async def detail_context(session: AsyncSession, survey: Survey) -> dict[str, Any]:
    survey_id = row_id(survey)
    wards = await queries.wards_covered(session, survey)
    return {
        "survey": survey,
        "questions": questions_of(survey.questions),
        "responses": await service_answering.response_count(session, survey_id),
        "code_usage": await service_codes.code_usage(session, survey_id),
        "batches": await service_paper.batches_of(session, survey_id),
        "ward_names": {w.code: w.name for w in wards},
        "ward_items": options([(w.code, w.name) for w in wards]),
        "values": {},
        "codes": [],
        **form_context({}),
    }


async def _load(session: AsyncSession, request: Request) -> Survey:
    return await service.get_survey_by_id(session, path_id(request, "survey_id"))


async def survey_detail(request: Request) -> Response:
    user = staff(request, Role.ADMIN)
    require("surveys.manage", user, now=now(request))
    async with reading(request) as session:
        context = await detail_context(session, await _load(session, request))
    return render_page(request, "surveys/staff/survey.html", context)


async def open_survey(request: Request) -> Response:
    user, at = staff(request, Role.ADMIN), now(request)
    async with transaction(request) as session:
        survey = await _load(session, request)
        require(
            "surveys.open",
            user,
            survey,
            now=at,
            otherwise=Conflict(gettext("Only a draft survey can be opened")),
        )
        await service.open_survey(session, survey, actor=user, now=at)
    return redirect_after_post(request, f"/surveys/manage/{survey.id}")


async def close_survey(request: Request) -> Response:
    user, at = staff(request, Role.ADMIN), now(request)
    async with transaction(request) as session:
        survey = await _load(session, request)
        require(
            "surveys.close",
            user,
            survey,
            now=at,
            otherwise=Conflict(gettext("Only an open survey can be closed")),
        )
        await service.close_survey(session, survey, actor=user, now=at)
    return redirect_after_post(request, f"/surveys/manage/{survey.id}")


async def make_codes(request: Request) -> Response:
    """The codes are shown on this one response, to print, and never again."""
    user, form, at = staff(request, Role.ADMIN), await read_form(request), now(request)
    errors: Errors = {}
    label = text(form, "label")
    check_length(errors, "label", label, gettext("which mailing or meeting the codes are for"), maximum=120)
    check_no_formula(errors, "label", label, gettext("The label"))
    size = forms.whole_number(
        errors, form, "size", gettext("how many codes"), low=1, high=service_codes.MAX_CODES
    )
    async with transaction(request) as session:
        survey = await _load(session, request)
        require("surveys.make_codes", user, survey, now=at,
                otherwise=Conflict(gettext("Codes cannot be made for a closed survey")))  # fmt: skip
        if errors:
            context = await detail_context(session, survey) | {**form_context(errors), "values": dict(form)}
            return render_page(request, "surveys/staff/survey.html", context, status_code=422)
        codes = await service_codes.make_codes(
            session, survey, actor=user, secret=settings(request).secret_key, label=label, size=size, now=at
        )
    return render_page(
        request, "surveys/staff/codes.html", {"survey": survey, "codes": codes, "label": label}
    )
