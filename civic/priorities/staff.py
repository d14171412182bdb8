"""Staff pages for the neighbourhood policing team: rounds, candidates, suggestions, meetings,
closing, publishing results and reporting progress."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from civic.core.areas import Neighbourhood, list_neighbourhoods
from civic.core.clock import now
from civic.core.db import reading, transaction
from civic.core.deps import path_id, settings_of, staff, state
from civic.core.errors import NotFound
from civic.core.forms import Errors, form_context, read_form, text
from civic.core.htmx import redirect_after_post
from civic.core.i18n import gettext
from civic.core.localtime import input_value, to_local
from civic.core.paths import parse_id
from civic.core.rules import can, require
from civic.core.templating import render_page
from civic.core.users import Role, StaffUser
from civic.priorities import forms, service, service_results
from civic.priorities.models import (
    Candidate,
    PriorityRound,
    RoundState,
    Suggestion,
)
from civic.priorities.queries import tracked
from civic.priorities.service_voting import count_ballots, count_contacts
from civic.priorities.settings import PrioritySettings

# Who may act is checked when the round is loaded (403); whether the round's state allows the action is
# the services' decision (409), so a stale form or a double click gets "that cannot be done now".
STATE_ACTIONS = {
    "open_suggestions": RoundState.SUGGESTIONS_OPEN,
    "open_voting": RoundState.VOTING_OPEN,
    "close": RoundState.CLOSED,
}


async def dashboard(request: Request) -> Response:
    user = staff(request, Role.POLICE)
    async with reading(request) as session:
        hoods = await list_neighbourhoods(session)
        if not can("priorities.any_neighbourhood", user, now=now(request)):
            hoods = [h for h in hoods if h.slug == user.neighbourhood_slug]
        rounds = {h.slug: await service.rounds_of(session, h.slug) for h in hoods}
    return render_page(request, "priorities/manage/index.html", {"hoods": hoods, "rounds": rounds})


async def _new_page(request: Request, values: dict[str, Any], errors: Errors, status: int) -> Response:
    user = staff(request, Role.POLICE)
    async with reading(request) as session:
        hoods = await list_neighbourhoods(session)
    anywhere = can("priorities.any_neighbourhood", user, now=now(request))
    hoods = [h for h in hoods if anywhere or h.slug == user.neighbourhood_slug]
    context = {
        "values": values,
        **form_context(errors),
        "hood_pairs": [("", gettext("Choose")), *((h.slug, h.name) for h in hoods)],
        "method_pairs": forms.METHOD_PAIRS,
        "opens_pairs": forms.OPENS_AUTOMATICALLY_PAIRS,
    }
    return render_page(request, "priorities/manage/new.html", context, status_code=status)


async def new_round_form(request: Request) -> Response:
    at = now(request)
    days = settings_of(request, PrioritySettings).voting_days
    opens = at.replace(minute=0, second=0, microsecond=0)
    quarter = f"{to_local(at):%B %Y}"
    values = {
        "title": gettext("Police priorities from %(quarter)s", quarter=quarter),
        "choices": 3,
        "top_n": 3,
        "method": "approval",
        "opens_at": input_value(opens),
        "closes_at": input_value(opens + timedelta(days=days)),
    }
    return await _new_page(request, values, {}, 200)


async def create_round(request: Request) -> Response:
    user = staff(request, Role.POLICE)
    anywhere = can("priorities.any_neighbourhood", user, now=now(request))
    values, errors = forms.parse_round(await read_form(request), choose_neighbourhood=anywhere)
    slug = values.neighbourhood if anywhere else (user.neighbourhood_slug or "")
    if not errors and values.opens_at is not None and values.closes_at is not None:
        require("priorities.create_round", user, slug, now=now(request))
        try:
            async with transaction(request) as session:
                item = await service.create_round(
                    session,
                    actor=user,
                    neighbourhood_slug=slug,
                    title=values.title,
                    opens_at=values.opens_at,
                    closes_at=values.closes_at,
                    choices=values.choices,
                    top_n=values.top_n,
                    method=values.method,
                    opens_automatically=values.opens_automatically,
                    now=now(request),
                )
        except service.PrioritiesError as exc:
            errors["closes_at"] = str(exc)
    if errors:
        return await _new_page(request, values.raw, errors, 422)
    return redirect_after_post(request, f"/priorities/manage/rounds/{item.id}")


async def load_round(request: Request) -> tuple[StaffUser, PriorityRound]:
    user = staff(request, Role.POLICE)
    round_id = path_id(request, "round_id")
    async with reading(request) as session:
        item = await service.get_round(session, round_id)
    if item is None:
        raise NotFound()
    require(
        "priorities.view_manage", user, item, now=now(request), message=gettext("This round is not yours.")
    )
    return user, item


async def round_page(
    request: Request, errors: Errors | None = None, values: dict[str, Any] | None = None, status: int = 200
) -> Response:
    _user, item = await load_round(request)
    async with reading(request) as session:
        candidates = await service.candidates_of(session, path_id(request, "round_id"))
        context = {
            "round": item,
            "hood": await session.get(Neighbourhood, item.neighbourhood_slug),
            "candidates": service_results.ranked(candidates)
            if item.state in {RoundState.CLOSED, RoundState.PUBLISHED}
            else candidates,
            "suggestions": await service.suggestions_of(session, path_id(request, "round_id")),
            "meetings": await service.meetings_of(session, path_id(request, "round_id")),
            "priorities": await tracked(
                session, await service_results.priorities_of_round(session, path_id(request, "round_id"))
            ),
            "contacts": await count_contacts(session, path_id(request, "round_id")),
            "ballots": await count_ballots(session, path_id(request, "round_id")),
            "category_pairs": forms.CANDIDATE_CATEGORY_PAIRS,
            "method_pairs": forms.ROUND_METHOD_PAIRS,
            "opens_pairs": forms.OPENS_AUTOMATICALLY_PAIRS,
            **form_context(errors or {}),
            "values": values or {},
        }
    context["merge_pairs"] = [
        ("new", gettext("A new candidate of its own")),
        *((c.id, c.title) for c in candidates),
    ]
    return render_page(request, "priorities/manage/round.html", context, status_code=status)


async def show_round(request: Request) -> Response:
    return await round_page(request)


async def change_state(request: Request) -> Response:
    user, item = await load_round(request)
    action = text(await read_form(request), "action")
    if action not in STATE_ACTIONS:
        raise HTTPException(400, detail="Unknown action")
    target = STATE_ACTIONS[action]
    at = now(request)
    async with transaction(request) as session:
        fresh = await service.get_round(session, path_id(request, "round_id"))
        assert fresh is not None
        if target == RoundState.CLOSED:
            await service_results.close_round(session, fresh, actor=user, now=at)
        else:
            await service.transition(session, fresh, target, actor=user, now=at)
    return redirect_after_post(request, f"/priorities/manage/rounds/{item.id}")


async def change_settings(request: Request) -> Response:
    user, item = await load_round(request)
    values, errors = forms.parse_round(await read_form(request), choose_neighbourhood=False)
    if not errors and values.opens_at is not None and values.closes_at is not None:
        try:
            async with transaction(request) as session:
                fresh = await service.get_round(session, path_id(request, "round_id"))
                assert fresh is not None
                await service.change_round(
                    session,
                    fresh,
                    actor=user,
                    title=values.title,
                    opens_at=values.opens_at,
                    closes_at=values.closes_at,
                    choices=values.choices,
                    top_n=values.top_n,
                    method=values.method,
                    opens_automatically=values.opens_automatically,
                    now=now(request),
                )
        except service.PrioritiesError as exc:
            errors["closes_at"] = str(exc)
    if errors:
        prefixed = {f"round-{field}": message for field, message in errors.items()}
        return await round_page(request, prefixed, {f"round-{k}": v for k, v in values.raw.items()}, 422)
    return redirect_after_post(request, f"/priorities/manage/rounds/{item.id}")


async def add_candidate(request: Request) -> Response:
    user, item = await load_round(request)
    values, errors = forms.parse_candidate(await read_form(request))
    if errors:
        return await round_page(request, errors, values, 422)
    async with transaction(request) as session:
        await service.add_candidate(
            session,
            item,
            actor=user,
            category=values["category"],  # type: ignore[arg-type]
            title=str(values["title"]),
            description=str(values["description"]),
            now=now(request),
        )
    return redirect_after_post(request, f"/priorities/manage/rounds/{item.id}#candidates")


async def remove_candidate(request: Request) -> Response:
    user, item = await load_round(request)
    async with transaction(request) as session:
        fresh = await service.get_round(session, path_id(request, "round_id"))
        candidate = await session.get(Candidate, path_id(request, "candidate_id"))
        if fresh is None or candidate is None:
            raise NotFound()
        try:
            await service.remove_candidate(session, fresh, candidate, actor=user, now=now(request))
        except service.PrioritiesError:
            raise NotFound() from None
    return redirect_after_post(request, f"/priorities/manage/rounds/{item.id}#candidates")


async def moderate(request: Request) -> Response:
    user, item = await load_round(request)
    at = now(request)
    form = await read_form(request)
    action, target = text(form, "action"), text(form, "into")
    try:
        async with transaction(request) as session:
            suggestion = await session.get(Suggestion, path_id(request, "suggestion_id"))
            if suggestion is None:
                raise NotFound()
            if action == "merge":
                into = await session.get(Candidate, parse_id(target)) if parse_id(target) else None
                await service.merge_suggestion(session, suggestion, item, actor=user, into=into, now=at)
            else:
                reason = text(form, "reason")
                await service.decline_suggestion(session, suggestion, item, actor=user, reason=reason, now=at)
    except service.PrioritiesError as exc:
        return await round_page(request, {f"reason-{path_id(request, 'suggestion_id')}": str(exc)}, None, 422)
    return redirect_after_post(request, f"/priorities/manage/rounds/{item.id}#suggestions")


async def add_meeting(request: Request) -> Response:
    user, item = await load_round(request)
    at = now(request)
    form = await read_form(request)
    errors: Errors = {}
    held_on = forms.parse_date(errors, form, "held_on", gettext("the meeting date"))
    place = text(form, "place")
    forms.check_text(errors, "place", place, gettext("where the meeting was held"), maximum=160)
    attendance = forms.parse_int(errors, form, "attendance", gettext("Attendance"), low=0, high=100_000)
    async with reading(request) as session:
        candidates = await service.candidates_of(session, path_id(request, "round_id"))
    hands = {
        c.id: forms.parse_int(
            errors, form, f"hands_{c.id}", gettext("Hands for %(issue)s", issue=c.title), low=0, high=100_000
        )
        for c in candidates
        if c.id is not None  # always so for a stored row
    }
    if not errors and held_on is not None:
        try:
            async with transaction(request) as session:
                fresh = await service.get_round(session, path_id(request, "round_id"))
                assert fresh is not None
                await service.record_meeting(
                    session,
                    fresh,
                    actor=user,
                    held_on=held_on,
                    place=place,
                    attendance=attendance,
                    hands=hands,
                    now=at,
                )
                if fresh.state == RoundState.CLOSED:
                    await service_results.compute_results(session, fresh)
        except service.PrioritiesError as exc:
            errors["attendance"] = str(exc)
    if errors:
        return await round_page(request, errors, {k: text(form, k) for k in form}, 422)
    return redirect_after_post(request, f"/priorities/manage/rounds/{item.id}#meetings")


async def publish(request: Request) -> Response:
    user, item = await load_round(request)
    at = now(request)
    form = await read_form(request)
    chosen = [key for v in form.getlist("chosen") if (key := parse_id(v)) is not None]
    try:
        async with transaction(request) as session:
            fresh = await service.get_round(session, path_id(request, "round_id"))
            assert fresh is not None
            await service_results.publish_results(
                session,
                fresh,
                actor=user,
                chosen_ids=chosen,
                reason=text(form, "reason"),
                now=at,
                mail=state(request).mail,
                retention_days=settings_of(request, PrioritySettings).contact_retention_days,
            )
    except service.PrioritiesError as exc:
        return await round_page(request, {"reason": str(exc)}, {"reason": text(form, "reason")}, 422)
    return redirect_after_post(request, f"/priorities/manage/rounds/{item.id}")
