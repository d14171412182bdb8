"""Public pages: neighbourhoods, "You said, we did", rounds and their results, voting and suggestions."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from civic.core import countrecord
from civic.core.areas import Neighbourhood, wards_of
from civic.core.auth import current_user
from civic.core.clock import now
from civic.core.db import reading, row_id, transaction
from civic.core.deps import path_id, settings_of, state
from civic.core.errors import NotFound, TooManyRequests
from civic.core.forms import form_context, read_form
from civic.core.i18n import gettext
from civic.core.identity import email_hash
from civic.core.languages import lang_of
from civic.core.net import client_ip
from civic.core.publish import shown_count
from civic.core.ratelimit import Limit, hit, limits_itself, rate_limited
from civic.core.rules import require
from civic.core.templating import render_page
from civic.core.tokens import BadToken
from civic.priorities import answers, forms, service_count, service_versions, summary
from civic.priorities.models import Priority, PriorityRound, RoundState
from civic.priorities.queries import all_views, neighbourhood_view, tracked
from civic.priorities.queries_meetings import combined, upcoming_meetings
from civic.priorities.service import candidates_of, get_round, meetings_of, suggestions_of
from civic.priorities.service import suggest as add_suggestion
from civic.priorities.service_results import ranked
from civic.priorities.service_voting import (
    BallotError,
    confirm_ballot,
    confirm_token,
    read_confirm_token,
    start_ballot,
)
from civic.priorities.settings import PrioritySettings
from civic.priorities.web_maps import load_map
from civic.responses import queries_timeline


def shower(request: Request, texts: service_versions.Texts) -> service_versions.Shower:
    """Shows the team's words in the reader's language (the rows hold them in DEFAULT_LANGUAGE)."""
    return service_versions.Shower(texts, *languages(request))


async def index(request: Request) -> Response:
    async with reading(request) as session:
        views = await all_views(session)
        views = await service_versions.shown_views(session, views, *languages(request))
    return render_page(request, "priorities/index.html", {"views": views})


def languages(request: Request) -> tuple[str, str]:
    """The language the team writes in and the reader's."""
    return state(request).settings.default_language, lang_of(request.scope)


async def load_hood(request: Request) -> Neighbourhood:
    async with reading(request) as session:
        hood: Neighbourhood | None = await session.get(Neighbourhood, str(request.path_params["slug"]))
    if hood is None:
        raise NotFound()
    return hood


async def neighbourhood(request: Request) -> Response:
    hood = await load_hood(request)
    async with reading(request) as session:
        view = await neighbourhood_view(session, hood)
        view = (await service_versions.shown_views(session, [view], *languages(request)))[0]
        meetings = await upcoming_meetings(session, now(request), slug=hood.slug)
    return render_page(request, "priorities/neighbourhood.html", {"view": view, "meetings": meetings})


async def load_round(request: Request) -> PriorityRound:
    round_id = path_id(request, "round_id")
    async with reading(request) as session:
        item = await get_round(session, round_id)
    if item is None:
        raise NotFound()
    # A draft's very existence is private to its team.
    require("priorities.view", current_user(request), item, now=now(request), otherwise=NotFound())
    return item


async def round_context(request: Request, item: PriorityRound) -> dict[str, Any]:
    async with reading(request) as session:
        hood = await session.get(Neighbourhood, item.neighbourhood_slug)
        candidates = await candidates_of(session, path_id(request, "round_id"))
        wards = {w.code: w.name for w in await wards_of(session, item.neighbourhood_slug)}
        meetings = await meetings_of(session, path_id(request, "round_id"))
        suggestions = await suggestions_of(session, path_id(request, "round_id"))
        loaded = await load_map(session, item)
        record = await countrecord.published(session, service_count.KIND, row_id(item))
        show = shower(
            request, await service_versions.load_texts(session, rounds=[item], candidates=candidates)
        )
    item, candidates = show.round(item), show.candidates(candidates)
    published = item.state == RoundState.PUBLISHED
    # said once: some of the round's words exist only in the language they were written in
    shown: list[Any] = [item, *candidates]
    notice = next((s for s in shown if getattr(s, "only_in", None)), item)
    at = now(request)
    return {
        "upcoming": [m for m in meetings if m.advertised_at is not None and m.is_upcoming(at)],
        "combined": combined(item, candidates, meetings),
        "round": item,
        "notice": notice,
        "hood": hood,
        "candidates": ranked(candidates) if published else candidates,
        "wards": wards,
        "meetings": meetings,
        "suggestions": suggestions,
        "category_pairs": forms.CATEGORY_PAIRS,
        "ward_map": loaded[0] if loaded else None,
        "count_record": record,
        "summary": summary.of_round(item, candidates, shown_count) if published else [],
    }


async def round_page(request: Request) -> Response:
    item = await load_round(request)
    async with reading(request) as session:
        # the steps the round led on to: the team's answer, its priorities, what they fed into
        steps = await queries_timeline.timeline(session, answers.KIND, row_id(item), now(request))
    context = {**(await round_context(request, item)), "timeline": steps}
    return render_page(request, "priorities/round.html", context)


async def vote_form(request: Request) -> Response:
    item = await load_round(request)
    require(
        "priorities.vote", None, item, now=now(request), message=gettext("Voting in this round is not open.")
    )
    context = {**(await round_context(request, item)), "ballot": forms.BallotForm(), "errors": {}}
    return render_page(request, "priorities/vote.html", context)


@limits_itself("PRIORITIES_VOTES_PER_IP_HOUR", "PRIORITIES_VOTES_PER_EMAIL_HOUR")
async def vote(request: Request) -> Response:
    item = await load_round(request)
    at, settings, own = now(request), state(request).settings, settings_of(request, PrioritySettings)
    require("priorities.vote", None, item, now=at, message=gettext("Voting in this round is not open."))
    form = await read_form(request)
    if forms.text(form, "website"):  # the honeypot: people never see it, bots fill it in
        return RedirectResponse(f"/priorities/rounds/{item.id}/check-email", status_code=303)
    ballot = forms.parse_ballot(form, item)
    per_hour = own.votes_per_ip_hour
    async with transaction(request) as session:
        verdict = await hit(
            session,
            f"priorities.vote.ip:{client_ip(request)}",
            [Limit(max(1, per_hour // 3), 60), Limit(per_hour, 3600)],
            now=at,
        )
    if not verdict.allowed:
        raise TooManyRequests(verdict.retry_after)
    if not ballot.errors:
        try:
            async with transaction(request) as session:
                pending = await start_ballot(
                    session,
                    item,
                    secret=settings.secret_key,
                    email=ballot.email,
                    postcode=ballot.postcode,
                    works_here=ballot.works_here,
                    choices=ballot.choices,
                    opt_in=ballot.opt_in,
                    now=at,
                )
                limited = await hit(
                    session,
                    f"priorities.vote.email:{email_hash(settings.secret_key, ballot.email)}",
                    [Limit(own.votes_per_email_hour, 3600)],
                    now=at,
                )
                if not limited.allowed:
                    raise TooManyRequests(limited.retry_after)
                token = confirm_token(settings.secret_key, pending, now=at, hours=own.confirm_hours)
                shown = shower(request, await service_versions.load_texts(session, rounds=[item])).round(item)
                await state(request).mail.enqueue(
                    session,
                    to=ballot.email,
                    template="priorities_confirm",
                    now=at,
                    context={"round": shown, "token": token},
                    dedupe_key=f"priorities:confirm:{pending.id}",
                )
        except BallotError as exc:
            ballot.errors[exc.field] = str(exc)
    if ballot.errors:
        context = {**(await round_context(request, item)), "ballot": ballot}
        context |= form_context(ballot.errors)
        return render_page(request, "priorities/vote.html", context, status_code=422)
    return RedirectResponse(f"/priorities/rounds/{item.id}/check-email", status_code=303)


async def check_email(request: Request) -> Response:
    item = await load_round(request)
    async with reading(request) as session:
        item = shower(request, await service_versions.load_texts(session, rounds=[item])).round(item)
    return render_page(request, "priorities/check_email.html", {"round": item})


def _pending_id(request: Request) -> int:
    try:
        return read_confirm_token(
            state(request).settings.secret_key, request.path_params["token"], now=now(request)
        )
    except BadToken as exc:
        raise HTTPException(400, detail=str(exc)) from None


async def confirm_page(request: Request) -> Response:
    _pending_id(request)
    return render_page(request, "priorities/confirm.html", {"token": request.path_params["token"]})


@rate_limited("PRIORITIES_CONFIRMATIONS_PER_HOUR")
async def confirm(request: Request) -> Response:
    pending_id = _pending_id(request)
    async with transaction(request) as session:
        outcome = await confirm_ballot(session, pending_id, now=now(request))
        shown = shower(request, await service_versions.load_texts(session, rounds=[outcome.round])).round(
            outcome.round
        )
    return render_page(request, "priorities/confirmed.html", {"outcome": outcome, "round": shown})


async def suggest_form(request: Request) -> Response:
    item = await load_round(request)
    require(
        "priorities.suggest",
        None,
        item,
        now=now(request),
        message=gettext("This round is not taking suggestions."),
    )
    context = {**(await round_context(request, item)), "values": {}, "errors": {}}
    return render_page(request, "priorities/suggest.html", context)


@limits_itself("PRIORITIES_SUGGESTIONS_PER_IP_HOUR")
async def suggest(request: Request) -> Response:
    item = await load_round(request)
    at = now(request)
    require(
        "priorities.suggest", None, item, now=at, message=gettext("This round is not taking suggestions.")
    )
    form = await read_form(request)
    if forms.text(form, "website"):
        return RedirectResponse(f"/priorities/rounds/{item.id}?suggested=1", status_code=303)
    values, errors = forms.parse_suggestion(form)
    if errors:
        context = {**(await round_context(request, item)), **form_context(errors, values)}
        return render_page(request, "priorities/suggest.html", context, status_code=422)
    async with transaction(request) as session:
        verdict = await hit(
            session,
            f"priorities.suggest.ip:{client_ip(request)}",
            [Limit(settings_of(request, PrioritySettings).suggestions_per_ip_hour, 3600)],
            now=at,
        )
        if verdict.allowed:
            await add_suggestion(session, item, category=values["category"], text=str(values["text"]), now=at)  # type: ignore[arg-type]
    if not verdict.allowed:
        raise TooManyRequests(verdict.retry_after)
    return RedirectResponse(f"/priorities/rounds/{item.id}?suggested=1", status_code=303)


async def priority_page(request: Request) -> Response:
    priority_id = path_id(request, "priority_id")
    async with reading(request) as session:
        priority = await session.get(Priority, priority_id)
        if priority is None:
            raise NotFound()
        item = await session.get(PriorityRound, priority.round_id)
        hood = await session.get(Neighbourhood, priority.neighbourhood_slug)
        track = (await tracked(session, [priority]))[0]
        if item is not None:
            item = shower(request, await service_versions.load_texts(session, rounds=[item])).round(item)
        track = (await service_versions.shown_tracks(session, [track], *languages(request)))[0]
    shown: list[Any] = [track.priority, *track.updates]
    notice = next((s for s in shown if getattr(s, "only_in", None)), track.priority)
    context = {"track": track, "round": item, "hood": hood, "notice": notice}
    return render_page(request, "priorities/priority.html", context)
