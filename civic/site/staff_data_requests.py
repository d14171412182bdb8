"""Staff with the data protection duty: the requests with their statutory due dates, a request made by
letter, what Civic holds for a request's address, erasure and closing. Every step is audited."""

from __future__ import annotations

import json
from datetime import date, datetime

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from civic.core import data_requests
from civic.core.choices import options
from civic.core.clock import now
from civic.core.db import reading, row_id, transaction
from civic.core.deps import path_id, settings, staff
from civic.core.duties import Duty, has_duty
from civic.core.errors import NotFound
from civic.core.forms import Errors, check_email, form_context, read_form, text
from civic.core.i18n import gettext
from civic.core.localtime import from_local, local_date
from civic.core.notices import titles
from civic.core.privacy import Subject
from civic.core.templating import render_page
from civic.core.users import Role, StaffUser, normalise_email

BASE = "/admin/data-requests"


async def officer(request: Request) -> StaffUser:
    """An administrator holding the data protection duty; any other staff member gets 403."""
    user = staff(request, Role.ADMIN)
    async with reading(request) as session:
        allowed = await has_duty(session, user, Duty.DATA_PROTECTION)
    if not allowed:
        raise HTTPException(
            403, gettext("Only an administrator with the data protection duty can see data requests")
        )
    return user


async def request_list(request: Request) -> Response:
    await officer(request)
    query = request.query_params.get("q", "")[:254]
    async with reading(request) as session:
        found = await data_requests.search_requests(session, query)
    return render_page(request, "site/privacy/staff_list.html", {"requests": found, "q": query})


def parse_received(form: FormData, errors: Errors, today: date) -> date | None:
    parts = [text(form, f"received-{part}") for part in ("day", "month", "year")]
    if not all(parts):
        errors["received"] = gettext("Enter the date the letter was received, for example 27 11 2026")
        return None
    try:
        day = date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        errors["received"] = gettext("The date the letter was received must be a real date")
        return None
    if day > today:
        errors["received"] = gettext("The date the letter was received must be today or in the past")
    elif day.year < 2000:
        errors["received"] = gettext("The date the letter was received must be after the year 2000")
    return None if "received" in errors else day


async def new_form(request: Request) -> Response:
    await officer(request)
    return render_page(request, "site/privacy/staff_new.html", {**form_context(), "values": {}})


async def create(request: Request) -> Response:
    actor = await officer(request)
    form, at = await read_form(request), now(request)
    values = {key: text(form, key) for key in ("email", "received-day", "received-month", "received-year")}
    errors: Errors = {}
    check_email(errors, "email", values["email"])
    received = parse_received(form, errors, local_date(at))
    if errors or received is None:
        context = {**form_context(errors), "values": values}
        return render_page(request, "site/privacy/staff_new.html", context, status_code=422)
    received_at: datetime = min(from_local(received), at)
    async with transaction(request) as session:
        made = await data_requests.open_request(
            session,
            email=values["email"],
            channel=data_requests.Channel.LETTER,
            received_at=received_at,
            actor=actor,
            now=at,
        )
    return RedirectResponse(f"{BASE}/{row_id(made)}", status_code=303)


async def _load(request: Request) -> data_requests.DataRequest:
    async with reading(request) as session:
        found = await data_requests.get_request(session, path_id(request, "request_id"))
    if found is None:
        raise NotFound()
    return found


def _subject(request: Request, found: data_requests.DataRequest) -> Subject:
    return Subject(normalise_email(found.email), settings(request).secret_key)


async def _detail_page(
    request: Request, actor: StaffUser, found: data_requests.DataRequest, errors: Errors, status: int
) -> Response:
    at = now(request)
    async with transaction(request) as session:
        holdings = await data_requests.search_all(session, _subject(request, found))
        await data_requests.note_export(session, found, actor=actor, now=at)
    context = {
        **form_context(errors),
        "data_request": found,
        "holdings": holdings,
        "total": sum(len(h.items) for h in holdings),
        "overdue": found.overdue(at),
        "titles": titles(holdings),
        "confirm_items": options(
            [
                (
                    "yes",
                    gettext(
                        "I have checked who is asking, and want to erase the data held about %(email)s",
                        email=found.email,
                    ),
                )
            ],
            [],
            id_prefix="confirm",
        ),
        "done": request.query_params.get("done", ""),
    }
    return render_page(request, "site/privacy/staff_detail.html", context, status_code=status)


async def detail(request: Request) -> Response:
    actor = await officer(request)
    return await _detail_page(request, actor, await _load(request), {}, 200)


async def detail_json(request: Request) -> Response:
    actor = await officer(request)
    found, at = await _load(request), now(request)
    async with transaction(request) as session:
        holdings = await data_requests.search_all(session, _subject(request, found))
        await data_requests.note_export(session, found, actor=actor, now=at)
    body = json.dumps(data_requests.export_json(found.email, holdings, now=at), indent=2, ensure_ascii=False)
    disposition = f'attachment; filename="data-request-{row_id(found)}.json"'
    return Response(body, media_type="application/json", headers={"Content-Disposition": disposition})


async def erase(request: Request) -> Response:
    actor = await officer(request)
    found, at = await _load(request), now(request)
    form = await read_form(request)
    if text(form, "confirm") != "yes":
        errors = {"confirm": gettext("Tick the box to confirm you want to erase this person's data")}
        return await _detail_page(request, actor, found, errors, 422)
    async with transaction(request) as session:
        fresh = await data_requests.get_request(session, row_id(found))
        if fresh is not None and fresh.erased_at is None:
            await data_requests.erase_all(session, fresh, _subject(request, fresh), actor=actor, now=at)
    return RedirectResponse(f"{BASE}/{row_id(found)}?done=erased", status_code=303)


async def close(request: Request) -> Response:
    actor = await officer(request)
    found, at = await _load(request), now(request)
    async with transaction(request) as session:
        fresh = await data_requests.get_request(session, row_id(found))
        if fresh is not None and fresh.closed_at is None:
            await data_requests.close_request(session, fresh, actor=actor, now=at)
    return RedirectResponse(f"{BASE}/{row_id(found)}?done=closed", status_code=303)
