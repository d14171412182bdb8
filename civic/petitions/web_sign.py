"""Signing, the creator's supporters page, and confirming a signature from the emailed link."""

from __future__ import annotations

import hmac
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from civic.core.areas import OUTSIDE_WARDS, PostcodeError, normalise_postcode
from civic.core.clock import now
from civic.core.content_languages import Localised
from civic.core.db import reading
from civic.core.deps import path_id, state
from civic.core.errors import Conflict, NotFound
from civic.core.forms import Errors, read_form, text
from civic.core.i18n import gettext
from civic.core.languages import lang_of
from civic.core.net import client_ip
from civic.core.ratelimit import limits_itself, rate_limited
from civic.core.rules import require
from civic.core.templating import render_page
from civic.core.tokens import BadToken, read_token
from civic.petitions import forms, versions
from civic.petitions.forms import CREATOR_FIELDS, canonical, check_person, resolve_ward, values_of
from civic.petitions.models import Petition, State
from civic.petitions.service import supporters_count
from civic.petitions.service_batching import SignRequest
from civic.petitions.web_common import (
    forget,
    form_page,
    kept,
    load,
    load_cached,
    policy,
    texts_cached,
)

HONEYPOT = "website"  # hidden from people; bots fill it in


def _key_ok(petition: Petition, key: str) -> bool:
    return bool(key) and hmac.compare_digest(key, petition.creator_key)


def _check_signable(request: Request, petition: Petition, key: str) -> None:
    if petition.state == State.COLLECTING and not _key_ok(petition, key):
        raise HTTPException(404)
    if petition.state not in {State.OPEN, State.COLLECTING}:
        if petition.state in {State.PENDING, State.MODERATION}:
            raise HTTPException(404)
        raise Conflict(
            gettext("This petition is %(state)s, so it cannot be signed.", state=petition.state.label)
        )
    closed = Conflict(gettext("This petition has closed, so it cannot be signed."))
    require("petitions.sign", None, petition, now=now(request), otherwise=closed)


def _sign_context(
    request: Request, petition: Petition | Localised, values: dict[str, str], key: str
) -> dict[str, Any]:
    return {
        "petition": petition,
        "values": values,
        "key": key,
        "residency_pairs": forms.residency_pairs(state(request).settings.council_short_name),
        "notify_pairs": forms.NOTIFY_PAIRS,
    }


async def sign_form(request: Request) -> Response:
    key = request.query_params.get("key", "")
    async with reading(request) as session:
        petition = await load(session, request)
        shown = await versions.localise_one(session, petition, lang_of(request.scope))
    _check_signable(request, petition, key)
    values = dict.fromkeys((*CREATOR_FIELDS, "residency", "notify"), "")
    return form_page(request, "petitions/sign.html", _sign_context(request, shown, values, key), {})


@limits_itself("PETITION_SIGN_BURST", "PETITION_SIGN_SUSTAINED")  # kept, marked suspect
async def sign_post(request: Request) -> Response:
    """The hot path: no database work of its own except through the batcher (and cache misses)."""
    form = await read_form(request)
    key = text(form, "key")
    values = values_of(form, CREATOR_FIELDS)
    values["residency"] = text(form, "residency")
    values["notify"] = "yes" if text(form, "notify") == "yes" else ""
    signed_page = f"/petitions/{path_id(request, 'petition_id')}/signed"
    if text(form, HONEYPOT):
        return RedirectResponse(signed_page, status_code=303)  # looks the same, stores nothing
    petition = await load_cached(request)
    _check_signable(request, petition, key)
    errors = check_person(values)
    if values["residency"] not in {"live", "work_study"}:
        errors["residency"] = gettext("Confirm that you live, work or study here")
    ward = await _ward(request, values, errors, outside_allowed=values["residency"] == "work_study")
    if errors:
        shown = await versions.for_reader(request, petition)
        return form_page(request, "petitions/sign.html", _sign_context(request, shown, values, key), errors)
    item = SignRequest(
        petition=petition,
        name=values["name"],
        email=values["email"],
        canonical=canonical(values),
        postcode=values["postcode"],
        ward_code=ward,
        notify=values["notify"] == "yes",
        ip=client_ip(request),
        draft=kept(request).drafts.draft(
            await texts_cached(request, petition), values["name"], lang_of(request.scope)
        ),
        lang=lang_of(request.scope),
    )
    await kept(request).signer.submit(item)
    return RedirectResponse(signed_page, status_code=303)


async def _ward(request: Request, values: dict[str, str], errors: Errors, *, outside_allowed: bool) -> str:
    """resolve_ward with a per-process memo of postcode -> ward."""
    if "postcode" in errors:
        return ""
    try:
        postcode = normalise_postcode(values["postcode"])
    except PostcodeError as exc:
        errors["postcode"] = str(exc)
        return ""
    values["postcode"] = postcode

    async def lookup() -> str:
        async with reading(request) as session:
            return await resolve_ward(session, dict(values), {}, outside_allowed=False)

    # One lookup however many signers from the same postcode arrive at once (each otherwise took a
    # database connection of its own, opening new ones on a fresh process).
    ward = await kept(request).postcodes.get_or_load(postcode, lookup)
    if ward:
        return ward
    return _outside(values, errors, outside_allowed=outside_allowed)


def _outside(values: dict[str, str], errors: Errors, *, outside_allowed: bool) -> str:
    if outside_allowed:
        return OUTSIDE_WARDS
    errors["postcode"] = gettext(
        "%(postcode)s is not in the council's area. If you work or study here, say so below.",
        postcode=values["postcode"],
    )
    return ""


async def signed(request: Request) -> Response:
    """The same page whether the signature is new or a repeat, so the form never reveals who signed."""
    async with reading(request) as session:
        petition = await load(session, request)
        shown = await versions.localise_one(session, petition, lang_of(request.scope))
    return render_page(request, "petitions/check_email.html", {"petition": shown, "creating": False})


async def supporters(request: Request) -> Response:
    """The creator's private page: the link to share and how many supporters have confirmed."""
    key = request.query_params.get("key", "")
    async with reading(request) as session:
        petition = await load(session, request)
        if not _key_ok(petition, key):
            raise HTTPException(404)
        confirmed = await supporters_count(session, path_id(request, "petition_id"))
        shown = await versions.localise_one(session, petition, lang_of(request.scope))
    share = state(request).settings.url(f"/petitions/{petition.id}/sign?key={key}")
    context = {"petition": shown, "confirmed": confirmed, "needed": policy(request).supporters_needed}
    return render_page(request, "petitions/supporters.html", {**context, "share": share, "key": key})


def _signature_id(request: Request, token: str) -> int:
    try:
        return int(read_token(policy(request).secret, "petitions.confirm", token, now=now(request)))
    except BadToken as exc:
        raise HTTPException(400, str(exc)) from None
    except ValueError:
        raise HTTPException(400, gettext("This link is not valid.")) from None


async def confirm_page(request: Request) -> Response:
    """Mail scanners follow links, so the link only shows a button; the POST confirms."""
    token = request.query_params.get("token", "")
    _signature_id(request, token)
    return render_page(request, "petitions/confirm.html", {"token": token})


@rate_limited("PETITION_CONFIRMATIONS_PER_HOUR")
async def confirm_post(request: Request) -> Response:
    form = await read_form(request)
    signature_id = _signature_id(request, text(form, "token"))
    result = await kept(request).confirmer.submit(signature_id)
    if result is None:
        raise NotFound(gettext("We could not find this signature. It may have been removed."))
    forget(request, result.signature.petition_id)
    target = f"/petitions/{result.petition.id}/thanks?result={result.outcome}"
    if result.signature.is_creator and result.outcome == "confirmed":
        target += "&creator=1"
    return RedirectResponse(target, status_code=303)
