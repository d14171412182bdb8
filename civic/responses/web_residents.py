"""What residents do from emails and pages: follow an ask, rate a response, unsubscribe.

Every link in an email opens a page with a button; the POST does the work, because mail scanners
follow links. The one exception is RFC 8058 one-click unsubscribe: mail clients POST to the same
address without cookies, so that path is exempt from CSRF and protected by its signed token.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.responses import Response as HttpResponse

from civic.core.clock import now
from civic.core.db import reading, transaction
from civic.core.deps import path_id, settings_of, state
from civic.core.errors import NotFound
from civic.core.forms import check_email, form_context, read_form, text
from civic.core.i18n import current as current_language
from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.net import client_ip
from civic.core.outbox import email_url
from civic.core.ratelimit import Limit, enforce, limits_itself, rate_limited
from civic.core.rules import require
from civic.core.templating import render_page
from civic.core.tokens import BadToken, read_token
from civic.responses import forms, notify, service, service_ratings
from civic.responses.models import Response
from civic.responses.queries_targets import load_target
from civic.responses.settings import ResponseSettings


def _read(request: Request, purpose: str) -> str:
    try:
        return read_token(
            state(request).settings.secret_key, purpose, request.path_params["token"], now=now(request)
        )
    except BadToken as exc:
        raise HTTPException(400, str(exc)) from None


async def _rating_context(request: Request) -> dict[str, object]:
    payload = _read(request, notify.RATE_PURPOSE)
    response_id, _, rater = payload.partition(":")
    if str(path_id(request, "response_id")) != response_id:
        raise HTTPException(
            400, gettext("This link is not valid. Check you copied all of it from the email.")
        )
    async with reading(request) as session:
        response = await service.get_response(session, int(response_id))
        if response is None:
            raise NotFound()
        require("responses.rate", None, response, now=now(request), otherwise=NotFound())
        already = await service_ratings.existing_rating(session, int(response_id), rater)
    return {"response": response, "rater": rater, "already": already, "score_pairs": SCORE_PAIRS}


# The satisfaction scale, most satisfied first, as (value, text) pairs for civic.core.choices.options.
SCORE_PAIRS = [
    ("5", _l("Very satisfied")),
    ("4", _l("Satisfied")),
    ("3", _l("Neither satisfied nor dissatisfied")),
    ("2", _l("Dissatisfied")),
    ("1", _l("Very dissatisfied")),
]


async def rate_form(request: Request) -> HttpResponse:
    context = await _rating_context(request)
    return render_page(request, "responses/rate.html", {**context, **form_context(), "values": {}})


@rate_limited("RESPONSES_RATINGS_PER_HOUR")
async def rate(request: Request) -> HttpResponse:
    context = await _rating_context(request)
    form = await read_form(request)
    values = {"score": text(form, "score"), "comment": text(form, "comment")}
    score, errors = service_ratings.check_rating(values["score"], values["comment"])
    if errors or score is None:
        page = {**context, **form_context(errors), "values": values}
        return render_page(request, "responses/rate.html", page, status_code=422)
    response = context["response"]
    assert isinstance(response, Response)
    async with transaction(request) as session:
        stored = await service_ratings.rate(
            session,
            response,
            rater=str(context["rater"]),
            score=score,
            comment=values["comment"],
            now=now(request),
        )
    return render_page(request, "responses/rated.html", {"response": response, "stored": stored})


@limits_itself("RESPONSES_FOLLOWS_PER_HOUR")
async def follow(request: Request) -> HttpResponse:
    kind, target_id = request.path_params["kind"], str(path_id(request, "target_id"))
    form = await read_form(request)
    email, at = text(form, "email"), now(request)
    errors: dict[str, str] = {}
    check_email(errors, "email", email)
    async with transaction(request) as session:
        target = await load_target(session, kind, target_id)
        if target is None:
            raise NotFound()
        if errors:
            return render_page(
                request,
                "responses/follow.html",
                {"target": target, **form_context(errors), "email": email},
                status_code=422,
            )
        await enforce(
            session,
            f"responses-follow:{client_ip(request)}",
            [Limit(settings_of(request, ResponseSettings).follows_per_hour, 3600)],
            now=at,
        )
        follower = await notify.add_follower(
            session, state(request).settings, kind=kind, target_id=target_id, email=email, now=at
        )
        if follower.confirmed_at is None and follower.id is not None:
            link = email_url(state(request).settings, current_language())(
                f"/responses/follow/confirm/{notify.follow_token(state(request).settings, follower.id, at)}"
            )
            await state(request).mail.enqueue(
                session,
                to=email,
                template="response_follow_confirm",
                context={"target": target, "link": link},
                now=at,
                dedupe_key=f"follow:{follower.id}:{at.date()}",
            )
    return render_page(request, "responses/follow_sent.html", {"target": target})


async def follow_form(request: Request) -> HttpResponse:
    async with reading(request) as session:
        target = await load_target(session, request.path_params["kind"], str(path_id(request, "target_id")))
    if target is None:
        raise NotFound()
    return render_page(request, "responses/follow.html", {"target": target, **form_context(), "email": ""})


async def confirm_follow_page(request: Request) -> HttpResponse:
    _read(request, notify.FOLLOW_PURPOSE)
    return render_page(request, "responses/confirm_follow.html", {"token": request.path_params["token"]})


@rate_limited("RESPONSES_CONFIRMATIONS_PER_HOUR")
async def confirm_follow(request: Request) -> HttpResponse:
    follower_id = _read(request, notify.FOLLOW_PURPOSE)
    async with transaction(request) as session:
        follower = await notify.confirm_follower(session, int(follower_id), now(request))
    if follower is None:
        raise NotFound()
    return RedirectResponse("/responses/follow/confirmed", status_code=303)


async def follow_confirmed(request: Request) -> HttpResponse:
    return render_page(request, "responses/follow_confirmed.html", {})


async def unsubscribe_page(request: Request) -> HttpResponse:
    _read(request, notify.UNSUBSCRIBE_PURPOSE)
    context = {
        "token": request.path_params["token"],
        "done": False,
        "everything_pairs": forms.everything_pairs(state(request).settings.council_name),
    }
    return render_page(request, "responses/unsubscribe.html", context)


@rate_limited("RESPONSES_UNSUBSCRIBES_PER_HOUR")
async def unsubscribe(request: Request) -> HttpResponse:
    """Works for the page's button and for a mail client's one-click POST alike."""
    rater, _, scope = _read(request, notify.UNSUBSCRIBE_PURPOSE).partition("|")
    form = await read_form(request)
    if text(form, "everything") == "yes":
        scope = notify.ALL
    async with transaction(request) as session:
        await notify.opt_out(session, rater, scope, now(request))
    return render_page(
        request, "responses/unsubscribe.html", {"token": "", "done": True, "everything": scope == notify.ALL}
    )
