"""Residents' pages: the list of surveys, answering one (confirmed by email or with a one-time code),
and the published results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from civic.core.areas import PostcodeError, ward_for_postcode
from civic.core.db import reading, transaction
from civic.core.deps import now, settings, settings_of, state
from civic.core.errors import NotFound, TooManyRequests
from civic.core.forms import Errors, check_email, form_context, read_form, text
from civic.core.htmx import redirect_after_post
from civic.core.i18n import gettext
from civic.core.identity import email_hash
from civic.core.net import client_ip
from civic.core.ratelimit import Limit, hit, limits_itself
from civic.core.templating import render_page
from civic.surveys import forms, queries, service, service_answering
from civic.surveys.models import Survey, SurveyState
from civic.surveys.questions import questions_of
from civic.surveys.settings import SurveySettings

PER_ADDRESS = [Limit(3, 3600)]  # confirmation emails to one address for one survey


async def survey_list(request: Request) -> Response:
    async with reading(request) as session:
        items = await queries.surveys(session, public=True)
    return render_page(request, "surveys/list.html", {"surveys": items})


def _answer_context(survey: Survey, errors: Errors, values: FormData | dict[str, Any]) -> dict[str, Any]:
    questions = questions_of(survey.questions)
    return {
        "survey": survey,
        "questions": [(q, forms.answer_field(q)) for q in questions],
        "values": dict(values),
        **form_context(errors),
    }


async def survey_page(request: Request) -> Response:
    async with reading(request) as session:
        survey = await service.get_survey(session, request.path_params["slug"])
    if survey.state == SurveyState.DRAFT:
        raise NotFound()
    return render_page(request, "surveys/survey.html", _answer_context(survey, {}, {}))


async def _ward_in(session: AsyncSession, survey: Survey, postcode: str, errors: Errors) -> str:
    if not postcode:
        errors["postcode"] = gettext("Enter your postcode")
        return ""
    try:
        ward = await ward_for_postcode(session, postcode)
    except PostcodeError as exc:
        errors["postcode"] = str(exc)
        return ""
    if ward.code not in {w.code for w in await queries.wards_covered(session, survey)}:
        errors["postcode"] = gettext(
            "This survey is for %(area)s; your postcode is in %(ward)s", area=survey.area_name, ward=ward.name
        )
        return ""
    return ward.code


@dataclass(frozen=True)
class Answering:
    """One resident's post, checked: what they answered, where, and how they prove it is them."""

    survey: Survey
    answers: dict[str, str]
    ward_code: str
    code: str
    address: str


async def _with_code(request: Request, session: AsyncSession, a: Answering, errors: Errors) -> str:
    recorded = await service_answering.answer_with_code(
        session, a.survey, raw_code=a.code, ward_code=a.ward_code, answers=a.answers,
        secret=settings(request).secret_key, now=now(request),
    )  # fmt: skip
    if not recorded:
        errors["code"] = gettext("This code is not valid for this survey, or it has been used already")
    return "thanks" if recorded else ""


async def _by_email(request: Request, session: AsyncSession, a: Answering) -> int:
    """Queue the confirmation email unless the address has asked too often; the seconds to wait, or 0."""
    config, at = settings(request), now(request)
    key = f"surveys:confirm:{a.survey.id}:{email_hash(config.secret_key, a.address)}"
    retry_after = (await hit(session, key, PER_ADDRESS, now=at)).retry_after
    if not retry_after:
        await service_answering.ask_confirmation(
            session, a.survey, address=a.address, ward_code=a.ward_code, answers=a.answers,
            settings=config, mail=state(request).mail, now=at,
        )  # fmt: skip
    return retry_after


@limits_itself("SURVEY_ANSWERS_PER_IP_HOUR")
async def answer(request: Request) -> Response:
    form = await read_form(request)
    per_ip = [Limit(settings_of(request, SurveySettings).answers_per_ip_hour, 3600)]
    retry_after, outcome = 0, ""
    async with transaction(request) as session:
        survey = await service.get_survey(session, request.path_params["slug"])
        if survey.state == SurveyState.DRAFT:
            raise NotFound()
        if survey.state != SurveyState.OPEN:
            return render_page(request, "surveys/not_open.html", {"survey": survey}, status_code=409)
        answers, errors = forms.parse_answers(form, questions_of(survey.questions))
        ward_code = await _ward_in(session, survey, text(form, "postcode"), errors)
        given = Answering(survey, answers, ward_code, text(form, "code"), text(form, "email"))
        if not given.code:
            check_email(errors, "email", given.address)
        if not errors:  # counted only for complete answers, so a typing slip costs nothing
            key = f"surveys:answer:ip:{client_ip(request)}"
            retry_after = (await hit(session, key, per_ip, now=now(request))).retry_after
        if not errors and not retry_after:
            if given.code:
                outcome = await _with_code(request, session, given, errors)
            else:
                retry_after = await _by_email(request, session, given)
                outcome = "" if retry_after else "check"
    if retry_after:  # raised outside the transaction so the counts it bumped are kept
        raise TooManyRequests(retry_after)
    if outcome:
        return redirect_after_post(request, f"/surveys/{survey.slug}/{outcome}")
    context = _answer_context(survey, errors, form)
    return render_page(request, "surveys/survey.html", context, status_code=422)


async def check_email_page(request: Request) -> Response:
    async with reading(request) as session:
        survey = await service.get_survey(session, request.path_params["slug"])
    return render_page(request, "surveys/check_email.html", {"survey": survey})


async def thanks_page(request: Request) -> Response:
    async with reading(request) as session:
        survey = await service.get_survey(session, request.path_params["slug"])
    return render_page(request, "surveys/thanks.html", {"survey": survey, "already": False})


async def results_page(request: Request) -> Response:
    async with reading(request) as session:
        survey = await service.get_survey(session, request.path_params["slug"])
        if survey.state == SurveyState.DRAFT:
            raise NotFound()
        results = await queries.results_of(session, survey) if survey.state == SurveyState.CLOSED else []
    context = {"survey": survey, "results": results}
    return render_page(request, "surveys/results.html", context)
