"""Staff pages: tick "this answer commits us to an action" on a published response, with what and by
when. Only members of the body that owes the answer (and admins) may, as for drafting it."""

from __future__ import annotations

from datetime import date

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.responses import Response as HttpResponse

from civic.core.clock import now
from civic.core.db import reading, transaction
from civic.core.deps import path_id, staff
from civic.core.errors import NotFound
from civic.core.forms import form_context, read_form, text
from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.rules import require
from civic.core.templating import render_page
from civic.responses import queries_members, service, service_commitments
from civic.responses.models import Commitment, CommitmentState, Response, ResponseState
from civic.responses.queries_targets import load_target

FIELDS = ("what", "due_on-day", "due_on-month", "due_on-year")


def parse_due(form: FormData) -> tuple[date | None, bool]:
    """The GOV.UK date input's three boxes; (None, True) when something was typed that is no date."""
    parts = [text(form, f"due_on-{p}") for p in ("day", "month", "year")]
    if not any(parts):
        return None, False
    try:
        day, month, year = (int(p) for p in parts)
        return date(year, month, day), False
    except ValueError:
        return None, True


async def _published(request: Request) -> tuple[Response, queries_members.Owed]:
    async with reading(request) as session:
        response = await service.get_response(session, path_id(request, "response_id"))
        if response is None or response.state != ResponseState.PUBLISHED:
            raise NotFound()
        return response, await queries_members.owed(session, response.body_slug, response)


def _page(
    request: Request, response: Response, values: dict[str, str], errors: dict[str, str]
) -> HttpResponse:
    context = {"response": response, "values": values, **form_context(errors)}
    return render_page(request, "responses/commit.html", context, status_code=422 if errors else 200)


async def commit_form(request: Request) -> HttpResponse:
    user = staff(request)
    response, owing = await _published(request)
    require("responses.draft", user, owing, now=now(request))
    return _page(request, response, {}, {})


async def commit(request: Request) -> HttpResponse:
    user = staff(request)
    at = now(request)
    response, owing = await _published(request)
    require("responses.draft", user, owing, now=at)
    form = await read_form(request)
    values = {name: text(form, name) for name in FIELDS}
    due_on, garbled = parse_due(form)
    errors = service_commitments.check_commitment(values["what"], due_on, today=at.date())
    if garbled:
        errors["due_on"] = gettext("The date it will be done by must be a real date, like 31 3 2027")
    if errors:
        return _page(request, response, values, errors)
    async with transaction(request) as session:
        fresh = await service.get_response(session, path_id(request, "response_id"))
        assert fresh is not None
        target = await load_target(session, fresh.target_kind, fresh.target_id)
        try:
            await service_commitments.commit(
                session,
                fresh,
                what=values["what"],
                due_on=due_on,
                ward_codes=target.ward_codes if target else (),
                actor=user,
                now=at,
            )
        except service.ResponseError as exc:
            return _page(request, response, values, exc.errors)
    return RedirectResponse(f"/responses/{fresh.id}", status_code=303)


STATE_PAIRS = [
    (CommitmentState.OPEN.value, _l("Still in progress")),
    (CommitmentState.DONE.value, _l("Done")),
    (CommitmentState.DROPPED.value, _l("Dropped"), _l("Say why in the update")),
]


async def _commitment(request: Request) -> tuple[Response, queries_members.Owed, Commitment]:
    response, owing = await _published(request)
    async with reading(request) as session:
        item = await service_commitments.commitment_for(session, path_id(request, "response_id"))
    if item is None:
        raise NotFound()
    return response, owing, item


def _update_page(
    request: Request, response: Response, item: Commitment, values: dict[str, str], errors: dict[str, str]
) -> HttpResponse:
    context = {
        "response": response,
        "commitment": item,
        "values": values,
        "state_pairs": STATE_PAIRS,
        **form_context(errors),
    }
    return render_page(
        request, "responses/commitment_update.html", context, status_code=422 if errors else 200
    )


async def update_form(request: Request) -> HttpResponse:
    user = staff(request)
    response, owing, item = await _commitment(request)
    require("responses.draft", user, owing, now=now(request))
    return _update_page(request, response, item, {"state": CommitmentState.OPEN.value}, {})


async def update(request: Request) -> HttpResponse:
    user = staff(request)
    at = now(request)
    response, owing, item = await _commitment(request)
    require("responses.draft", user, owing, now=at)
    form = await read_form(request)
    values = {"state": text(form, "state"), "note": text(form, "note")}
    if values["state"] not in {s.value for s in CommitmentState}:
        return _update_page(
            request, response, item, values, {"state": gettext("Choose where the commitment stands")}
        )
    async with transaction(request) as session:
        fresh = await session.get(Commitment, item.id)
        assert fresh is not None
        try:
            await service_commitments.post_update(
                session,
                fresh,
                state=CommitmentState(values["state"]),
                note=values["note"],
                actor=user,
                now=at,
            )
        except service.ResponseError as exc:
            return _update_page(request, response, item, values, exc.errors)
    return RedirectResponse(f"/responses/{response.id}", status_code=303)
