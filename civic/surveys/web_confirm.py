"""The emailed link: a page with a button (mail scanners follow links, never buttons), whose POST
records the answers the link carries, once per address."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from civic.core.db import reading, transaction
from civic.core.deps import now, settings
from civic.core.errors import NotFound
from civic.core.forms import read_form, text
from civic.core.i18n import gettext
from civic.core.ratelimit import rate_limited
from civic.core.templating import render_page
from civic.core.tokens import BadToken
from civic.surveys import service, service_answering
from civic.surveys.models import SurveyState


def _problem(request: Request, message: str, status: int = 400) -> Response:
    return render_page(request, "surveys/link_problem.html", {"message": message}, status_code=status)


async def confirm_page(request: Request) -> Response:
    token = request.query_params.get("token", "")
    try:
        pending = service_answering.read_pending(settings(request), token, now=now(request))
        async with reading(request) as session:
            survey = await service.get_survey_by_id(session, pending.survey_id)
    except BadToken as exc:
        return _problem(request, str(exc))
    except NotFound:
        return _problem(request, gettext("This link is not valid."))
    if survey.state != SurveyState.OPEN:
        return _problem(
            request, gettext("This survey has closed, so answers can no longer be recorded."), 409
        )
    return render_page(request, "surveys/confirm.html", {"survey": survey, "token": token})


@rate_limited("SURVEY_CONFIRMATIONS_PER_HOUR")
async def confirm(request: Request) -> Response:
    token = text(await read_form(request), "token")
    try:
        pending = service_answering.read_pending(settings(request), token, now=now(request))
    except BadToken as exc:
        return _problem(request, str(exc))
    async with transaction(request) as session:
        try:
            survey = await service.get_survey_by_id(session, pending.survey_id)
        except NotFound:
            return _problem(request, gettext("This link is not valid."))
        if survey.state != SurveyState.OPEN:
            return _problem(
                request, gettext("This survey has closed, so answers can no longer be recorded."), 409
            )
        recorded = await service_answering.confirm(session, survey, pending, now=now(request))
    return render_page(request, "surveys/thanks.html", {"survey": survey, "already": not recorded})
