"""Staff pages for the neighbourhood policing team: rounds, candidates, suggestions, meetings,
closing, publishing results and reporting progress."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from civic.core.areas import Neighbourhood, list_neighbourhoods
from civic.core.clock import now
from civic.core.content_languages import Versions
from civic.core.db import reading, row_id, transaction
from civic.core.deps import path_id, settings_of, staff, state
from civic.core.errors import Conflict, NotFound
from civic.core.forms import Errors, form_context, read_form, text
from civic.core.htmx import redirect_after_post
from civic.core.i18n import gettext
from civic.core.localtime import input_value, to_local
from civic.core.paths import parse_id
from civic.core.rules import can, require
from civic.core.templating import render_page
from civic.core.users import Role, StaffUser
from civic.priorities import forms, service, service_results, service_versions
from civic.priorities.models import (
    CANDIDATE_EDIT_STATES,
    Candidate,
    Priority,
    PriorityRound,
    RoundState,
    Suggestion,
)
from civic.priorities.queries import tracked
from civic.priorities.service_voting import count_ballots, count_contacts
from civic.priorities.settings import PrioritySettings

# Who may act is checked when the round is loaded (403); whether the round's state allows the action is
# the services' decision (409), so a stale form or a double click gets "that cannot be done now".
# A round is public from these states on: what it shows must then have every version when the council
# publishes in every language.
PUBLIC_FROM = frozenset({RoundState.SUGGESTIONS_OPEN, RoundState.VOTING_OPEN})
Typed = dict[str, dict[str, dict[str, str]]]  # which form -> language -> field -> text typed

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


async def _new_page(
    request: Request,
    values: dict[str, Any],
    errors: Errors,
    status: int,
    versions: dict[str, dict[str, str]] | None = None,
) -> Response:
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
        "version_languages": service_versions.languages(state(request).settings),
        "versions": versions or {},
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
    form = await read_form(request)
    values, errors = forms.parse_round(form, choose_neighbourhood=anywhere)
    versions = service_versions.read_versions(
        state(request).settings,
        form,
        service_versions.ROUND_FIELDS,
        errors,
        maximum={"title": service_versions.ROUND_TITLE_MAXIMUM},
    )
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
                await service_versions.save_versions(
                    session, service_versions.ROUND_KIND, row_id(item), versions, actor=user, now=now(request)
                )
        except service.PrioritiesError as exc:
            errors["closes_at"] = str(exc)
    if errors:
        return await _new_page(request, values.raw, errors, 422, versions)
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
    request: Request,
    errors: Errors | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
    typed: Typed | None = None,
) -> Response:
    _user, item = await load_round(request)
    async with reading(request) as session:
        candidates = await service.candidates_of(session, path_id(request, "round_id"))
        texts = await service_versions.load_texts(session, rounds=[item], candidates=candidates)
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
    context |= _version_context(request, item, candidates, texts, typed or {})
    settings = state(request).settings
    # what opening the round still waits for, when the council publishes in every language
    context["missing_versions"] = (
        list(service_versions.missing_for_round(settings, item, candidates, texts).values())
        if settings.publish_in_all_languages
        and item.state not in PUBLIC_FROM | {RoundState.CLOSED, RoundState.PUBLISHED}
        else []
    )
    return render_page(request, "priorities/manage/round.html", context, status_code=status)


def _version_context(
    request: Request,
    item: PriorityRound,
    candidates: list[Candidate],
    texts: service_versions.Texts,
    typed: Typed,
) -> dict[str, Any]:
    """The version boxes of the round page's forms: what is stored, or what was just typed."""
    langs = service_versions.languages(state(request).settings)

    def stored(versions: Versions, item_id: int, fields: tuple[str, ...]) -> dict[str, dict[str, str]]:
        return {lang: versions.of_item(item_id, fields, lang) for lang in langs}

    return {
        "version_languages": langs,
        "round_versions": typed.get("round")
        or stored(texts.rounds, row_id(item), service_versions.ROUND_FIELDS),
        "new_candidate_versions": typed.get("new", {}),
        "candidate_versions": {
            c.id: typed.get(f"candidate-{c.id}")
            or stored(texts.candidates, row_id(c), service_versions.CANDIDATE_FIELDS)
            for c in candidates
        },
    }


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
        if target in PUBLIC_FROM and fresh.state not in PUBLIC_FROM:
            missing = await _missing_versions(request, session, fresh)
            if missing:
                return await round_page(request, missing, None, 422)
        if target == RoundState.CLOSED:
            await service_results.close_round(session, fresh, actor=user, now=at)
        else:
            await service.transition(session, fresh, target, actor=user, now=at)
    return redirect_after_post(request, f"/priorities/manage/rounds/{item.id}")


async def _missing_versions(request: Request, session: AsyncSession, item: PriorityRound) -> Errors:
    """What the round must still have in every language before it is public (nothing, unless the
    council publishes in every language)."""
    settings = state(request).settings
    if not settings.publish_in_all_languages:
        return {}
    candidates = await service.candidates_of(session, row_id(item))
    texts = await service_versions.load_texts(session, rounds=[item], candidates=candidates)
    return service_versions.missing_for_round(settings, item, candidates, texts)


async def change_settings(request: Request) -> Response:
    user, item = await load_round(request)
    form = await read_form(request)
    values, errors = forms.parse_round(form, choose_neighbourhood=False)
    versions = service_versions.read_versions(
        state(request).settings,
        form,
        service_versions.ROUND_FIELDS,
        errors,
        maximum={"title": service_versions.ROUND_TITLE_MAXIMUM},
    )
    if item.state in PUBLIC_FROM and not errors:
        errors |= _required(request, {"title": values.title}, versions, item.title)
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
                await service_versions.save_versions(
                    session,
                    service_versions.ROUND_KIND,
                    row_id(fresh),
                    versions,
                    actor=user,
                    now=now(request),
                )
        except service.PrioritiesError as exc:
            errors["closes_at"] = str(exc)
    if errors:
        prefixed = {f"round-{field}": message for field, message in errors.items()}
        raw = {f"round-{k}": v for k, v in values.raw.items()}
        return await round_page(request, prefixed, raw, 422, {"round": versions})
    return redirect_after_post(request, f"/priorities/manage/rounds/{item.id}")


def _required(
    request: Request, sources: dict[str, str], versions: dict[str, dict[str, str]], item: str
) -> Errors:
    """When the council publishes in every language, what is public now needs each version typed."""
    return service_versions.missing_typed(state(request).settings, sources, versions, item)


async def add_candidate(request: Request) -> Response:
    user, item = await load_round(request)
    form = await read_form(request)
    values, errors = forms.parse_candidate(form)
    versions = service_versions.read_versions(
        state(request).settings, form, service_versions.CANDIDATE_FIELDS, errors
    )
    if item.state in PUBLIC_FROM and not errors:
        sources = {"title": str(values["title"]), "description": str(values["description"])}
        errors |= _required(request, sources, versions, sources["title"])
    if errors:
        return await round_page(request, errors, values, 422, {"new": versions})
    async with transaction(request) as session:
        candidate = await service.add_candidate(
            session,
            item,
            actor=user,
            category=values["category"],  # type: ignore[arg-type]
            title=str(values["title"]),
            description=str(values["description"]),
            now=now(request),
        )
        await service_versions.save_versions(
            session,
            service_versions.CANDIDATE_KIND,
            row_id(candidate),
            versions,
            actor=user,
            now=now(request),
        )
    return redirect_after_post(request, f"/priorities/manage/rounds/{item.id}#candidates")


async def candidate_versions(request: Request) -> Response:
    """Change a candidate's versions in the other languages, while candidates may still change."""
    user, item = await load_round(request)
    form = await read_form(request)
    prefix = f"candidate-{path_id(request, 'candidate_id')}-"
    errors: Errors = {}
    versions = service_versions.read_versions(
        state(request).settings, form, service_versions.CANDIDATE_FIELDS, errors
    )
    async with transaction(request) as session:
        fresh = await service.get_round(session, path_id(request, "round_id"))
        candidate = await session.get(Candidate, path_id(request, "candidate_id"))
        if fresh is None or candidate is None or candidate.round_id != fresh.id:
            raise NotFound()
        if fresh.state not in CANDIDATE_EDIT_STATES:
            raise Conflict(gettext("Candidates cannot change once voting has opened."))
        if fresh.state in PUBLIC_FROM and not errors:
            sources = {"title": candidate.title, "description": candidate.description}
            errors |= _required(request, sources, versions, candidate.title)
        if not errors:
            await service_versions.save_versions(
                session,
                service_versions.CANDIDATE_KIND,
                row_id(candidate),
                versions,
                actor=user,
                now=now(request),
            )
    if errors:
        prefixed = {prefix + key: message for key, message in errors.items()}
        return await round_page(request, prefixed, None, 422, {prefix[:-1]: versions})
    return redirect_after_post(request, f"/priorities/manage/rounds/{item.id}#candidate-{candidate.id}")


async def remove_candidate(request: Request) -> Response:
    user, item = await load_round(request)
    async with transaction(request) as session:
        fresh = await service.get_round(session, path_id(request, "round_id"))
        candidate = await session.get(Candidate, path_id(request, "candidate_id"))
        if fresh is None or candidate is None:
            raise NotFound()
        try:
            await service.remove_candidate(session, fresh, candidate, actor=user, now=now(request))
            await service_versions.forget_candidate(session, row_id(candidate))
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
            missing = await _missing_versions(request, session, fresh)
            prefixes = tuple(f"candidate-{c}-" for c in chosen)
            chosen_missing = [m for key, m in missing.items() if key.startswith(prefixes)]
            if chosen_missing:
                raise service.PrioritiesError(chosen_missing[0])
            langs = service_versions.languages(state(request).settings)

            async def in_languages(made: list[Priority]) -> dict[str, dict[str, Any]]:
                await service_versions.copy_to_priorities(session, made, langs, now=at)
                return await service_versions.results_contexts(session, state(request).settings, fresh, made)

            await service_results.publish_results(
                session,
                fresh,
                actor=user,
                chosen_ids=chosen,
                reason=text(form, "reason"),
                now=at,
                mail=state(request).mail,
                retention_days=settings_of(request, PrioritySettings).contact_retention_days,
                in_languages=in_languages,
            )
    except service.PrioritiesError as exc:
        return await round_page(request, {"reason": str(exc)}, {"reason": text(form, "reason")}, 422)
    return redirect_after_post(request, f"/priorities/manage/rounds/{item.id}")
