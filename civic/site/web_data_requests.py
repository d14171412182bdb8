"""A resident's own subject access and erasure request, confirmed by an emailed link.

The resident enters an address; Civic emails it a signed link that works for DATA_REQUEST_LINK_HOURS.
The answer is the same page whether or not Civic holds anything about the address, and the link is
sent either way, so the form tells no one whether an address is known. Opening the link shows a
button (mail scanners follow links; only the POST records the request); then the resident sees what
every feature holds, can download it as JSON and can ask for erasure, which staff with the data
protection duty carry out (civic/site/staff_data_requests.py). Every step is audited by request id.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from civic.core import data_requests
from civic.core.clock import now
from civic.core.db import reading, row_id, transaction
from civic.core.deps import settings, state
from civic.core.forms import check_email, form_context, read_form, text
from civic.core.net import client_ip
from civic.core.notices import titles
from civic.core.outbox import in_language
from civic.core.privacy import Subject
from civic.core.ratelimit import Limit, enforce, hit, limits_itself, rate_limited
from civic.core.templating import render_page
from civic.core.tokens import BadToken, make_token, read_token
from civic.core.users import normalise_email

PURPOSE = "privacy.data_request"
BASE = "/privacy/your-data"
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _link_hours(request: Request) -> int:
    return settings(request).int_value("DATA_REQUEST_LINK_HOURS")


def link_token(request: Request, email: str, at: datetime) -> str:
    expires = at + timedelta(hours=_link_hours(request))
    return make_token(settings(request).secret_key, PURPOSE, normalise_email(email), expires=expires)


def _read(request: Request) -> tuple[str, datetime]:
    """The address the link is for, and when the link was made; 400 for a bad or expired link."""
    token = str(request.path_params["token"])
    try:
        email = read_token(settings(request).secret_key, PURPOSE, token, now=now(request))
    except BadToken as exc:
        raise HTTPException(400, str(exc)) from None
    expires = datetime.fromtimestamp(int(token.split(".")[1]), tz=now(request).tzinfo)
    return email, expires - timedelta(hours=_link_hours(request))


def subject(request: Request, email: str) -> Subject:
    return Subject(normalise_email(email), settings(request).secret_key)


async def ask_form(request: Request) -> Response:
    context = {**form_context(), "email": "", "hours": _link_hours(request)}
    return render_page(request, "site/privacy/ask.html", context)


@limits_itself("DATA_REQUESTS_PER_HOUR", "DATA_REQUESTS_PER_ADDRESS_PER_DAY")
async def ask(request: Request) -> Response:
    form = await read_form(request)
    email, at = text(form, "email"), now(request)
    errors: dict[str, str] = {}
    check_email(errors, "email", email)
    if errors:
        context = {**form_context(errors), "email": email, "hours": _link_hours(request)}
        return render_page(request, "site/privacy/ask.html", context, status_code=422)
    address, config = normalise_email(email), settings(request)
    async with transaction(request) as session:
        per_ip = Limit(config.int_value("DATA_REQUESTS_PER_HOUR"), 3600)
        await enforce(session, f"privacy-ask:{client_ip(request)}", [per_ip], now=at)
        per_address = Limit(config.int_value("DATA_REQUESTS_PER_ADDRESS_PER_DAY"), 86400)
        verdict = await hit(session, f"privacy-ask-address:{address}", [per_address], now=at)
        if verdict.allowed:  # over the limit: the same answer, and nothing is sent
            await state(request).mail.enqueue(
                session,
                to=address,
                template="privacy_data_request",
                context={
                    # opens in the language the resident asked in
                    "link": in_language(
                        config, config.url(f"{BASE}/{link_token(request, address, at)}"), None
                    ),
                    "hours": _link_hours(request),
                },
                now=at,
            )
            await data_requests.note_link_sent(session, address, now=at)
    return render_page(request, "site/privacy/ask_sent.html", {"hours": _link_hours(request)})


async def confirm_page(request: Request) -> Response:
    email, _made = _read(request)
    context = {"token": request.path_params["token"], "email": email}
    return render_page(request, "site/privacy/confirm.html", context, headers=PRIVATE)


@rate_limited("DATA_REQUEST_CONFIRMS_PER_HOUR")
async def confirm(request: Request) -> Response:
    email, made = _read(request)
    at = now(request)
    async with transaction(request) as session:
        if await data_requests.request_since(session, email, made) is None:
            await data_requests.open_request(
                session,
                email=email,
                channel=data_requests.Channel.ONLINE,
                received_at=at,
                actor=None,
                now=at,
            )
    return RedirectResponse(f"{BASE}/{request.path_params['token']}/held", status_code=303)


async def _confirmed(request: Request) -> tuple[str, data_requests.DataRequest]:
    """The link's address and the request it confirmed; before the button is pressed, its page."""
    email, made = _read(request)
    async with reading(request) as session:
        found = await data_requests.request_since(session, email, made)
    if found is None:
        raise HTTPException(303, headers={"Location": f"{BASE}/{request.path_params['token']}"})
    return email, found


async def held(request: Request) -> Response:
    email, found = await _confirmed(request)
    at = now(request)
    async with transaction(request) as session:
        holdings = await data_requests.search_all(session, subject(request, email))
        await data_requests.note_export(session, found, actor=None, now=at)
    context = {
        "token": request.path_params["token"],
        "email": email,
        "data_request": found,
        "holdings": holdings,
        "total": sum(len(h.items) for h in holdings),
        "titles": titles(holdings),
    }
    return render_page(request, "site/privacy/held.html", context, headers=PRIVATE)


@rate_limited("DATA_REQUEST_CONFIRMS_PER_HOUR")
async def held_json(request: Request) -> Response:
    email, found = await _confirmed(request)
    at = now(request)
    async with transaction(request) as session:
        holdings = await data_requests.search_all(session, subject(request, email))
        await data_requests.note_export(session, found, actor=None, now=at)
    body = json.dumps(data_requests.export_json(email, holdings, now=at), indent=2, ensure_ascii=False)
    headers = {**PRIVATE, "Content-Disposition": 'attachment; filename="your-data.json"'}
    return Response(body, media_type="application/json", headers=headers)


@rate_limited("DATA_REQUEST_CONFIRMS_PER_HOUR")
async def ask_erasure(request: Request) -> Response:
    _email, found = await _confirmed(request)
    async with transaction(request) as session:
        fresh = await data_requests.get_request(session, row_id(found))
        if fresh is not None and fresh.closed_at is None:
            await data_requests.ask_erasure(session, fresh, now=now(request))
    return RedirectResponse(f"{BASE}/{request.path_params['token']}/held", status_code=303)
