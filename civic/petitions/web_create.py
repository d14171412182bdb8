"""Starting a petition: question pages, similar petitions, check your answers (GOV.UK pattern).

Answers travel in hidden fields from page to page (as in alphagov/e-petitions), so nothing is stored
until the creator submits the check-your-answers page; only that final POST redirects (303).
"""

from __future__ import annotations

import hmac
from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from civic.core.clock import now
from civic.core.db import reading, transaction
from civic.core.deps import path_id, state
from civic.core.errors import Conflict, TooManyRequests
from civic.core.forms import Errors, read_form, text
from civic.core.i18n import gettext
from civic.core.languages import lang_of
from civic.core.net import client_ip
from civic.core.ratelimit import Limit, hit, rate_limited
from civic.core.templating import render_page
from civic.core.tokens import BadToken, read_token
from civic.petitions.forms import (
    CREATOR_FIELDS,
    PETITION_FIELDS,
    canonical,
    check_person,
    check_petition,
    resolve_ward,
    values_of,
    works_here_pairs,
)
from civic.petitions.models import State
from civic.petitions.queries import similar
from civic.petitions.service import Draft, create_petition, get_petition, resubmit
from civic.petitions.web_common import form_page, load, policy

STAGES = ("petition", "similar", "creator", "replay")
CREATE_LIMITS = [Limit(5, 3600), Limit(20, 86400)]


def _stage_page(
    request: Request, stage: str, values: dict[str, str], errors: Errors, extra: dict[str, Any] | None = None
) -> Response:
    context = {
        "stage": stage,
        "values": values,
        "works_here_pairs": works_here_pairs(state(request).settings.council_short_name),
        **(extra or {}),
    }
    return form_page(request, "petitions/new.html", context, errors)


async def new_form(request: Request) -> Response:
    values = dict.fromkeys((*PETITION_FIELDS, *CREATOR_FIELDS, "works_here"), "")
    return _stage_page(request, "petition", values, {})


def _values(form: FormData) -> dict[str, str]:
    values = values_of(form, (*PETITION_FIELDS, *CREATOR_FIELDS))
    values["works_here"] = "yes" if text(form, "works_here") == "yes" else ""
    return values


@rate_limited("PETITION_CREATE_POSTS_PER_HOUR")
async def new_step(request: Request) -> Response:
    form = await read_form(request)
    values, stage = _values(form), text(form, "stage")
    change = text(form, "change")
    if change in STAGES:
        return _stage_page(request, change, values, {})
    if stage == "petition":
        errors = check_petition(values)
        if errors:
            return _stage_page(request, "petition", values, errors)
        async with reading(request) as session:
            found = await similar(session, f"{values['action']} {values['background']}")
        return _stage_page(request, "similar" if found else "creator", values, {}, {"similar": found})
    if stage == "similar":
        return _stage_page(request, "creator", values, {})
    if stage in {"creator", "replay"}:
        return await _check_or_create(request, stage, values)
    raise HTTPException(400, gettext("That form step is not known. Start again."))


async def _check_or_create(request: Request, stage: str, values: dict[str, str]) -> Response:
    errors = check_petition(values)
    if errors:
        return _stage_page(request, "petition", values, errors)
    errors = check_person(values)
    async with reading(request) as session:
        ward = await resolve_ward(session, values, errors, outside_allowed=values["works_here"] == "yes")
    if errors:
        return _stage_page(request, "creator", values, errors)
    if stage == "creator":
        return _stage_page(request, "replay", values, {})
    draft = Draft(**{k: values[k] for k in (*PETITION_FIELDS, *CREATOR_FIELDS)}, ward_code=ward)
    at = now(request)
    async with transaction(request) as session:
        verdict = await hit(session, f"petitions:create:{client_ip(request)}", CREATE_LIMITS, now=at)
        if not verdict.allowed:
            raise TooManyRequests(verdict.retry_after)
        await create_petition(
            session,
            draft,
            canonical=canonical(values),
            ip=client_ip(request),
            now=at,
            policy=policy(request),
            mail=state(request).mail,
            lang=lang_of(request.scope),
        )
    return RedirectResponse("/petitions/new/check-email", status_code=303)


async def check_email(request: Request) -> Response:
    return render_page(request, "petitions/check_email.html", {"creating": True})


def _resubmit_target(request: Request, token: str) -> int:
    try:
        return int(read_token(policy(request).secret, "petitions.resubmit", token, now=now(request)))
    except (BadToken, ValueError) as exc:
        raise HTTPException(400, str(exc)) from None


async def resubmit_form(request: Request) -> Response:
    token = request.query_params.get("token", "")
    target = _resubmit_target(request, token)
    async with reading(request) as session:
        petition = await load(session, request)
    if petition.id != target:
        raise HTTPException(400, gettext("This link is for another petition."))
    if petition.state != State.REJECTED or petition.rejection_count > 1:
        raise Conflict(gettext("This petition cannot be edited and resubmitted."))
    values = {k: getattr(petition, k) for k in PETITION_FIELDS}
    return form_page(
        request, "petitions/resubmit.html", {"petition": petition, "values": values, "token": token}, {}
    )


@rate_limited("PETITION_RESUBMITS_PER_HOUR")
async def resubmit_post(request: Request) -> Response:
    form = await read_form(request)
    token = text(form, "token")
    target = _resubmit_target(request, token)
    values = values_of(form, PETITION_FIELDS)
    errors = check_petition(values)
    async with transaction(request) as session:
        petition = await get_petition(session, target, for_update=True)
        if petition is None or not hmac.compare_digest(
            str(petition.id), str(path_id(request, "petition_id"))
        ):
            raise HTTPException(404)
        if errors:
            context = {"petition": petition, "values": values, "token": token}
            return form_page(request, "petitions/resubmit.html", context, errors)
        await resubmit(session, petition, **values, now=now(request), policy=policy(request))
    return RedirectResponse(f"/petitions/{target}/thanks?result=resubmitted", status_code=303)
