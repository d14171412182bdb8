"""The young person's voting journey: code -> ballot (own random order, running total) -> check ->
cast -> receipt; and the receipt page to check a ballot was counted and change it before the close.

The voting pass lives in a signed, expiring cookie; see `civic.budgets.service_voting` for the secret ballot.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from civic.budgets import forms, queries, service, service_versions, service_voting
from civic.budgets.models import BudgetProcess, BudgetProposal, Channel
from civic.budgets.settings import BudgetSettings
from civic.budgets.web import load_process
from civic.core.auth import current_user
from civic.core.clock import now
from civic.core.db import reading, row_id, transaction
from civic.core.deps import settings_of, state
from civic.core.errors import Conflict, TooManyRequests
from civic.core.forms import form_context, read_form, text
from civic.core.htmx import render
from civic.core.i18n import gettext
from civic.core.net import client_ip
from civic.core.paths import parse_id
from civic.core.ratelimit import Limit, hit, limits_itself, rate_limited
from civic.core.rules import require
from civic.core.templating import render_page
from civic.core.tokens import BadToken, make_token, read_token

PASS_COOKIE = "civic_budget_pass"  # noqa: S105 - a cookie name
RECEIPT_COOKIE = "civic_budget_receipt"


def _secret(request: Request) -> str:
    return str(state(request).settings.secret_key)


def _minutes(request: Request) -> int:
    return settings_of(request, BudgetSettings).vote_minutes


def _set_cookie(request: Request, response: Response, name: str, value: str, slug: str) -> None:
    response.set_cookie(
        name,
        value,
        max_age=_minutes(request) * 60,
        path=f"/budgets/{slug}",
        httponly=True,
        samesite="lax",
        secure=state(request).settings.secure_cookies,
    )


def _require_open(request: Request, process: BudgetProcess) -> None:
    require(
        "budgets.vote",
        current_user(request),
        process,
        now=now(request),
        message=gettext("Voting is not open now."),
    )


async def _limit(request: Request, session: AsyncSession, what: str, at: datetime) -> None:
    per_hour = settings_of(request, BudgetSettings).code_attempts_per_hour
    verdict = await hit(session, f"budgets:{what}:{client_ip(request)}", [Limit(per_hour, 3600)], now=at)
    if not verdict.allowed:
        raise TooManyRequests(verdict.retry_after)


def _pass(request: Request, process: BudgetProcess) -> service_voting.VotingPass | None:
    token = request.cookies.get(PASS_COOKIE)
    if not token:
        return None
    try:
        found = service_voting.VotingPass.load(_secret(request), token, now(request))
    except BadToken:
        return None
    return found if found.process_id == process.id else None


def _eligible_pairs(request: Request, process: BudgetProcess) -> forms.Pairs:
    return forms.eligible_pairs(process, state(request).settings.council_short_name)


async def code_form(request: Request) -> Response:
    async with reading(request) as session:
        process = await load_process(session, request)
    _require_open(request, process)
    context = {"process": process, "errors": {}, "eligible_pairs": _eligible_pairs(request, process)}
    return render_page(request, "budgets/vote_code.html", context)


@limits_itself("BUDGET_CODE_ATTEMPTS_PER_HOUR")
async def enter_code(request: Request) -> Response:
    form, at = await read_form(request), now(request)
    async with transaction(request) as session:
        process = await load_process(session, request)
        _require_open(request, process)
        await _limit(request, session, "code", at)
    async with reading(request) as session:
        errors: dict[str, str] = {}
        found: service_voting.VotingPass | None = None
        try:
            found = await service_voting.start_with_code(
                session, process, secret=_secret(request), raw=text(form, "code")
            )
        except service_voting.VoteError as exc:
            errors["code"] = str(exc) if text(form, "code") else gettext("Enter the code from your card")
        if text(form, "eligible") != "yes":
            errors["eligible"] = gettext(
                "Confirm you are aged %(low)s to %(high)s", low=process.age_min, high=process.age_max
            )
        if errors or found is None:
            context = {
                "process": process,
                **form_context(errors),
                "eligible_pairs": _eligible_pairs(request, process),
            }
            return render_page(request, "budgets/vote_code.html", context, status_code=422)
    response = RedirectResponse(f"/budgets/{process.slug}/ballot", status_code=303)
    _set_cookie(
        request, response, PASS_COOKIE, found.dump(_secret(request), at, _minutes(request)), process.slug
    )
    return response


async def _ballot_context(
    session: AsyncSession, process: BudgetProcess, found: service_voting.VotingPass
) -> tuple[list[BudgetProposal], int]:
    areas = await service.areas_of(session, row_id(process))
    proposals = [
        p
        for p in await service.proposals_of(session, row_id(process), feasible_only=True)
        if not areas or p.area_id == found.area_id
    ]
    return service_voting.shuffled(proposals, found.seed), service.area_budget(process, areas, found.area_id)


def _no_pass(process: BudgetProcess) -> Response:
    return RedirectResponse(f"/budgets/{process.slug}/vote?expired=1", status_code=303)


async def ballot(request: Request) -> Response:
    async with reading(request) as session:
        process = await load_process(session, request)
        _require_open(request, process)
        found = _pass(request, process)
        if found is None:
            return _no_pass(process)
        proposals, budget = await _ballot_context(session, process, found)
        process, proposals = await service_versions.shown(session, request, process, proposals)
    check = service_voting.check_choices(process, budget, proposals, found.choices)
    context = {
        "process": process,
        "proposals": proposals,
        "chosen": found.choices,
        "check": check,
        "errors": [],
    }
    return render_page(request, "budgets/ballot.html", context)


def _chosen(form: object) -> list[int]:
    values = form.getlist("choice")  # type: ignore[attr-defined]
    return [key for v in values if (key := parse_id(v)) is not None]


@rate_limited("BUDGET_BALLOT_POSTS_PER_HOUR")
async def submit_ballot(request: Request) -> Response:
    form, at = await read_form(request), now(request)
    async with reading(request) as session:
        process = await load_process(session, request)
        _require_open(request, process)
        found = _pass(request, process)
        if found is None:
            return _no_pass(process)
        proposals, budget = await _ballot_context(session, process, found)
        process, proposals = await service_versions.shown(session, request, process, proposals)
    found.choices = _chosen(form)
    check = service_voting.check_choices(process, budget, proposals, found.choices)
    response: Response
    if text(form, "action") == "continue" and check.errors:
        context = {
            "process": process,
            "proposals": proposals,
            "chosen": found.choices,
            "check": check,
            "errors": check.errors,
            "error_list": [{"text": e, "href": "#choices"} for e in check.errors],
        }
        response = render_page(request, "budgets/ballot.html", context, status_code=422)
    else:
        target = "check" if text(form, "action") == "continue" else "ballot#running-total"
        response = RedirectResponse(f"/budgets/{process.slug}/{target}", status_code=303)
    _set_cookie(
        request, response, PASS_COOKIE, found.dump(_secret(request), at, _minutes(request)), process.slug
    )
    return response


@rate_limited("BUDGET_BALLOT_POSTS_PER_HOUR")
async def running_total(request: Request) -> Response:
    """htmx: the running total for the choices ticked so far (the page's own fragment)."""
    form, at = await read_form(request), now(request)
    async with reading(request) as session:
        process = await load_process(session, request)
        _require_open(request, process)
        found = _pass(request, process)
        if found is None:
            return _no_pass(process)
        proposals, budget = await _ballot_context(session, process, found)
        process, proposals = await service_versions.shown(session, request, process, proposals)
    found.choices = _chosen(form)
    check = service_voting.check_choices(process, budget, proposals, found.choices)
    context = {
        "process": process,
        "proposals": proposals,
        "chosen": found.choices,
        "check": check,
        "errors": [],
    }
    response = render(request, "budgets/ballot.html", "budgets/_total.html", context)
    _set_cookie(
        request, response, PASS_COOKIE, found.dump(_secret(request), at, _minutes(request)), process.slug
    )
    return response


async def check_page(request: Request) -> Response:
    async with reading(request) as session:
        process = await load_process(session, request)
        _require_open(request, process)
        found = _pass(request, process)
        if found is None:
            return _no_pass(process)
        proposals, budget = await _ballot_context(session, process, found)
        process, proposals = await service_versions.shown(session, request, process, proposals)
    check = service_voting.check_choices(process, budget, proposals, found.choices)
    if check.errors:
        return RedirectResponse(f"/budgets/{process.slug}/ballot", status_code=303)
    chosen = [p for p in proposals if p.id in found.choices]
    context = {"process": process, "chosen": chosen, "check": check, "changing": bool(found.ballot)}
    return render_page(request, "budgets/vote_check.html", context)


# A cast needs the signed pass that only the code step hands out, and that step is limited per IP by
# BUDGET_CODE_ATTEMPTS_PER_HOUR; without a pass nothing is written. A per-click counter here would add a
# write to every cast and contend with the single-use code's lock when many arrive at once.
@limits_itself("BUDGET_CODE_ATTEMPTS_PER_HOUR")
async def cast(request: Request) -> Response:
    at = now(request)
    async with reading(request) as session:
        process = await load_process(session, request)
        _require_open(request, process)
        found = _pass(request, process)
        if found is None:
            return _no_pass(process)
        proposals, budget = await _ballot_context(session, process, found)
        process, proposals = await service_versions.shown(session, request, process, proposals)
    if service_voting.check_choices(process, budget, proposals, found.choices).errors:
        return RedirectResponse(f"/budgets/{process.slug}/ballot", status_code=303)
    receipt = ""
    if found.ballot:
        async with transaction(request) as session:
            await service_voting.replace_choices(session, found.ballot, found.choices)
    else:
        # Two transactions on purpose: the code is marked used in one, the ballot stored in another.
        async with transaction(request) as session:
            if not await service_voting.use_code(session, found.code):
                raise Conflict(gettext("That code has already been used or was cancelled."))
        async with transaction(request) as session:
            _, receipt = await service_voting.store_ballot(
                session,
                process_id=row_id(process),
                area_id=found.area_id,
                age_band=found.age_band,
                channel=Channel.ONLINE,
                choices=found.choices,
                secret=_secret(request),
            )
    response = RedirectResponse(f"/budgets/{process.slug}/voted", status_code=303)
    response.delete_cookie(PASS_COOKIE, path=f"/budgets/{process.slug}")
    token = make_token(
        _secret(request), "budgets.receipt", receipt or "-", expires=at + timedelta(minutes=10)
    )
    _set_cookie(request, response, RECEIPT_COOKIE, token, process.slug)
    return response


async def voted(request: Request) -> Response:
    async with reading(request) as session:
        process = await load_process(session, request)
        process, _none = await service_versions.shown(session, request, process, [])
    try:
        receipt = read_token(
            _secret(request), "budgets.receipt", request.cookies.get(RECEIPT_COOKIE, ""), now=now(request)
        )
    except BadToken:
        receipt = ""
    response = render_page(
        request,
        "budgets/voted.html",
        {"process": process, "receipt": "" if receipt == "-" else receipt, "changed": receipt == "-"},
    )
    response.delete_cookie(RECEIPT_COOKIE, path=f"/budgets/{process.slug}")
    response.headers["Cache-Control"] = "no-store"
    return response


async def receipt_form(request: Request) -> Response:
    async with reading(request) as session:
        process = await load_process(session, request)
    return render_page(request, "budgets/receipt.html", {"process": process, "errors": {}, "found": None})


@limits_itself("BUDGET_CODE_ATTEMPTS_PER_HOUR")
async def check_receipt(request: Request) -> Response:
    form, at = await read_form(request), now(request)
    async with transaction(request) as session:
        process = await load_process(session, request)
        await _limit(request, session, "receipt", at)
    raw = text(form, "receipt")
    async with reading(request) as session:
        try:
            ballot_row, choices = await service_voting.start_with_receipt(
                session, process, secret=_secret(request), raw=raw
            )
        except service_voting.VoteError as exc:
            blank = gettext("Enter the receipt you were given when you voted")
            errors = {"receipt": str(exc) if raw else blank}
            context = {
                "process": process,
                **form_context(errors),
                "found": None,
            }
            return render_page(request, "budgets/receipt.html", context, status_code=422)
        proposals = [p for p in await service.proposals_of(session, row_id(process)) if p.id in choices]
        # shown to the receipt holder only, on this no-store page; worked out now, never stored
        share = await queries.your_share(session, process, ballot_row, choices)
        shown, proposals = await service_versions.shown(session, request, process, proposals)
    if text(form, "action") == "change":
        _require_open(request, process)
        found = service_voting.VotingPass(
            row_id(process),
            int.from_bytes(bytes.fromhex(ballot_row.id[:8])),
            ballot=ballot_row.id,
            area_id=ballot_row.area_id,
            choices=choices,
        )
        redirect = RedirectResponse(f"/budgets/{process.slug}/ballot", status_code=303)
        _set_cookie(
            request, redirect, PASS_COOKIE, found.dump(_secret(request), at, _minutes(request)), process.slug
        )
        return redirect
    context = {
        "process": shown,
        "errors": {},
        "found": ballot_row,
        "chosen": proposals,
        "receipt": raw,
        "phase": process.phase(at),
        "share": share,
    }
    response = render_page(request, "budgets/receipt.html", context)
    response.headers["Cache-Control"] = "no-store"
    return response
