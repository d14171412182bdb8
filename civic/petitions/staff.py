"""Staff pages: the moderation queue and decisions, removal, responses, debates, signature audit."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from civic.core.clock import now
from civic.core.db import reading, transaction
from civic.core.deps import path_id, staff, state
from civic.core.errors import Conflict
from civic.core.forms import Errors, read_form, text
from civic.core.localtime import LocalTimeError, date_input_value, parse_local
from civic.core.rules import require
from civic.core.templating import render_page
from civic.core.users import Role, get_user
from civic.petitions import answers, service_debates, service_fraud, versions
from civic.petitions.forms import DECISION_PAIRS, REASON_PAIRS, check_link, check_rejection, parse_day
from civic.petitions.models import PetitionDebate, State
from civic.petitions.service import (
    is_overdue,
    moderate,
    moderation_queue,
    take_moderation_lock,
    transition,
)
from civic.petitions.web_common import forget, form_page, load, policy


async def queue(request: Request) -> Response:
    actor, at = staff(request), now(request)
    require("petitions.moderation_queue", actor, now=at, message="Your role does not allow this.")
    async with reading(request) as session:
        petitions = await moderation_queue(session)
    rows = [{"petition": p, "overdue": is_overdue(p, policy(request), at)} for p in petitions]
    return render_page(request, "petitions/moderation_queue.html", {"rows": rows, "actor": actor})


async def moderate_form(request: Request) -> Response:
    actor = staff(request, Role.MODERATOR)
    async with transaction(request) as session:
        petition = await load(session, request, for_update=True)
        holder = None
        if petition.state == State.MODERATION and not await take_moderation_lock(
            session, petition, actor, now=now(request)
        ):
            holder = await get_user(session, petition.moderation_lock_by or 0)
    context: dict[str, Any] = {
        "petition": petition,
        "holder": holder,
        "decision_pairs": DECISION_PAIRS,
        "reason_pairs": REASON_PAIRS,
        "values": {},
    }
    return form_page(request, "petitions/moderate.html", context, {})


async def moderate_post(request: Request) -> Response:
    actor = staff(request, Role.MODERATOR)
    form = await read_form(request)
    values = {k: text(form, k) for k in ("decision", "reason_code", "details")}
    errors = check_rejection(values["decision"], values["reason_code"], values["details"])
    at = now(request)
    async with transaction(request) as session:
        petition = await load(session, request, for_update=True)
        if values["decision"] == "approve" and not errors:
            gap = await versions.missing_message(session, state(request).settings, petition)
            errors = {"decision": gap} if gap else errors
        if errors:
            context = {
                "petition": petition,
                "holder": None,
                "decision_pairs": DECISION_PAIRS,
                "reason_pairs": REASON_PAIRS,
                "values": values,
            }
            return form_page(request, "petitions/moderate.html", context, errors)
        if petition.state != State.MODERATION:
            raise Conflict(f"This petition is {petition.state.label}, so it cannot be moderated now.")
        require(
            "petitions.moderate",
            actor,
            petition,
            now=at,
            message="Another moderator is deciding this petition.",
        )
        await moderate(
            session, petition, actor=actor, decision=values["decision"], reason_code=values["reason_code"],
            details=values["details"], now=at, policy=policy(request), mail=state(request).mail,
            settings=state(request).settings,
        )  # fmt: skip
    forget(request, path_id(request, "petition_id"))
    return RedirectResponse("/petitions/moderation?done=1", status_code=303)


async def remove(request: Request) -> Response:
    actor = staff(request, Role.MODERATOR)
    form = await read_form(request)
    reason = text(form, "reason")[:500] or "broke the petition standards"
    async with transaction(request) as session:
        petition = await load(session, request, for_update=True)
        require("petitions.remove", actor, petition, now=now(request))
        await transition(
            session,
            petition,
            State.REMOVED,
            actor=actor,
            now=now(request),
            policy=policy(request),
            reason=reason,
        )
    forget(request, path_id(request, "petition_id"))
    return RedirectResponse("/petitions/moderation?removed=1", status_code=303)


async def response_form(request: Request) -> Response:
    """The council's answer is written on the shared responses pages (versions, emails, ratings)."""
    actor = staff(request)
    async with reading(request) as session:
        petition = await load(session, request)
        require("petitions.respond", actor, petition, now=now(request))
    return RedirectResponse(f"/responses/write/{answers.KIND}/{petition.id}", status_code=303)


def _debate_values(debate: PetitionDebate | None) -> dict[str, str]:
    if debate is None:
        return dict.fromkeys(("scheduled_for", "outcome", "minutes_url", "video_url"), "")
    day = date_input_value(debate.scheduled_for)
    return {"scheduled_for": day, "outcome": debate.outcome, "minutes_url": debate.minutes_url,
            "video_url": debate.video_url}  # fmt: skip


async def debate_form(request: Request) -> Response:
    actor = staff(request)
    async with reading(request) as session:
        petition = await load(session, request)
        require("petitions.debate", actor, petition, now=now(request))
        debate = await session.get(PetitionDebate, petition.id)
    return form_page(
        request, "petitions/debate.html", {"petition": petition, "values": _debate_values(debate)}, {}
    )


async def debate_post(request: Request) -> Response:
    actor = staff(request)
    form = await read_form(request)
    values = {k: text(form, k) for k in ("scheduled_for", "outcome", "minutes_url", "video_url")}
    errors: Errors = {}
    day = parse_day(values["scheduled_for"], errors, "scheduled_for")
    check_link(errors, "minutes_url", values["minutes_url"])
    check_link(errors, "video_url", values["video_url"])
    if len(values["outcome"]) > 6000:
        errors["outcome"] = "The outcome must be 6000 characters or fewer"
    if values["outcome"] and day is None:
        errors.setdefault("scheduled_for", "Enter the date of the debate")
    at = now(request)
    async with transaction(request) as session:
        petition = await load(session, request)
        require("petitions.debate", actor, petition, now=at)
        if errors:
            return form_page(
                request, "petitions/debate.html", {"petition": petition, "values": values}, errors
            )
        await service_debates.save_debate(
            session, petition, actor=actor, scheduled_for=day, outcome=values["outcome"],
            minutes_url=values["minutes_url"], video_url=values["video_url"], now=at,
            mail=state(request).mail, batch=policy(request).notify_batch,
        )  # fmt: skip
    forget(request, path_id(request, "petition_id"))
    return RedirectResponse(f"/petitions/{petition.id}?debate=1", status_code=303)


def _filter(params: Any, errors: Errors) -> service_fraud.SignatureFilter:
    def day(name: str) -> datetime | None:
        raw = str(params.get(name, "")).strip()
        if not raw:
            return None
        try:
            return parse_local(raw)
        except LocalTimeError:
            errors[name] = "Enter a UK time like 2026-11-22T10:00"
            return None

    since, until = day("since"), day("until")
    if until is not None and len(str(params.get("until", ""))) <= 10:
        until += timedelta(days=1)  # a bare date means "to the end of that day"
    return service_fraud.SignatureFilter(
        email=str(params.get("email", "")).strip(),
        domain=str(params.get("domain", "")).strip(),
        ip=str(params.get("ip", "")).strip(),
        postcode=str(params.get("postcode", "")).strip().upper(),
        since=since,
        until=until,
        suspect_only=params.get("suspect") == "yes",
    )


async def signatures(request: Request) -> Response:
    actor = staff(request, Role.MODERATOR)
    errors: Errors = {}
    where = _filter(request.query_params, errors)
    async with reading(request) as session:
        petition = await load(session, request)
        require("petitions.audit_signatures", actor, petition, now=now(request))
        total, rows = await service_fraud.search(session, path_id(request, "petition_id"), where)
    context = {"petition": petition, "where": where, "total": total, "rows": rows,
               "query": dict(request.query_params)}  # fmt: skip
    return form_page(request, "petitions/signatures.html", context, errors)


async def invalidate(request: Request) -> Response:
    actor = staff(request, Role.MODERATOR)
    form = await read_form(request)
    errors: Errors = {}
    where = _filter(form, errors)
    expected = text(form, "expected")
    reason = text(form, "reason")
    if not reason:
        errors["reason"] = "Say why these signatures are invalid"
    async with transaction(request) as session:
        petition = await load(session, request)
        require("petitions.audit_signatures", actor, petition, now=now(request))
        if errors or not expected.isdigit():
            total, rows = await service_fraud.search(session, path_id(request, "petition_id"), where)
            context = {"petition": petition, "where": where, "total": total, "rows": rows,
                       "query": {k: text(form, k) for k in form}}  # fmt: skip
            return form_page(
                request, "petitions/signatures.html", context, errors or {"reason": "Search again"}
            )
        done = await service_fraud.invalidate(
            session, petition, where, expected=int(expected), reason=reason, actor=actor, now=now(request)
        )
    forget(request, path_id(request, "petition_id"))
    return RedirectResponse(f"/petitions/{petition.id}/signatures?invalidated={done}", status_code=303)
