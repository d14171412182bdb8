"""Staff pages: the response queue, writing, previewing and publishing, and comment moderation."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.responses import Response as HttpResponse

from civic.core.auth import require_user
from civic.core.clock import now
from civic.core.db import reading, transaction
from civic.core.errors import Conflict
from civic.core.forms import error_list, read_form, text
from civic.core.paths import path_id
from civic.core.rules import require
from civic.core.templating import render_page
from civic.core.users import Role, ward_codes_of
from civic.responses import ratings, service
from civic.responses.models import Rating, Response
from civic.responses.notify import notify_published
from civic.responses.targets import KINDS, TargetInfo, all_awaiting, load_target


async def queue(request: Request) -> HttpResponse:
    user = require_user(request)
    require("responses.draft", user, None, now=now(request))
    ward = request.query_params.get("ward", "")
    body = request.query_params.get("body", "")
    async with reading(request) as session:
        if user.role == Role.COUNCILLOR and "ward" not in request.query_params and user.id is not None:
            codes = await ward_codes_of(session, user.id)
            ward = codes[0] if codes else ""
        targets = await all_awaiting(session, now(request))
        published = {
            (r.target_kind, r.target_id) for r in await service.published_responses(session, limit=100_000)
        }
        drafts = {(r.target_kind, r.target_id): r for r in await service.drafts(session)}
        bodies = await service.list_bodies(session)
    waiting = [
        t
        for t in targets
        if (t.kind, t.id) not in published
        and (not ward or ward in t.ward_codes)
        and (not body or t.body_slug == body)
    ]
    waiting.sort(key=lambda t: (t.due_at is None, t.due_at))
    context = {
        "waiting": waiting,
        "drafts": drafts,
        "bodies": bodies,
        "ward": ward,
        "body": body,
        "kinds": KINDS,
    }
    return render_page(request, "responses/queue.html", context)


async def _target(request: Request) -> tuple[TargetInfo, Response | None]:
    kind, target_id = request.path_params["kind"], str(request.path_params["target_id"])
    async with reading(request) as session:
        target = await load_target(session, kind, target_id)
        existing = await service.response_for(session, kind, target_id)
    if target is None:
        raise HTTPException(404)
    return target, existing


async def write_form(request: Request) -> HttpResponse:
    user = require_user(request)
    require("responses.draft", user, None, now=now(request))
    target, existing = await _target(request)
    values = {
        "summary": existing.draft_summary if existing else "",
        "details": existing.draft_details if existing else "",
        "reason": "",
    }
    context: dict[str, object] = {
        "target": target,
        "response": existing,
        "values": values,
        "errors": {},
        "error_list": [],
    }
    return render_page(request, "responses/write.html", context)


async def save(request: Request) -> HttpResponse:
    user = require_user(request)
    at = now(request)
    require("responses.draft", user, None, now=at)
    target, existing = await _target(request)
    form = await read_form(request)
    values = {key: text(form, key) for key in ("summary", "details", "reason")}
    errors = service.check_text(
        values["summary"],
        values["details"],
        values["reason"],
        republishing=bool(existing and existing.version),
    )
    if errors:
        context = {
            "target": target,
            "response": existing,
            "values": values,
            "errors": errors,
            "error_list": error_list(errors),
        }
        return render_page(request, "responses/write.html", context, status_code=422)
    async with transaction(request) as session:
        response = await service.start_response(session, target, actor=user, now=at)
        await service.save_draft(
            session,
            response,
            actor=user,
            summary=values["summary"],
            details=values["details"],
            reason=values["reason"],
            now=at,
        )
    return RedirectResponse(f"/responses/{response.id}/preview", status_code=303)


async def _own(request: Request) -> Response:
    async with reading(request) as session:
        response = await service.get_response(session, path_id(request, "response_id"))
    if response is None:
        raise HTTPException(404)
    return response


async def preview(request: Request) -> HttpResponse:
    user = require_user(request)
    require("responses.draft", user, None, now=now(request))
    response = await _own(request)
    return render_page(request, "responses/preview.html", {"response": response})


async def publish(request: Request) -> HttpResponse:
    user = require_user(request)
    at = now(request)
    response = await _own(request)
    require(
        "responses.publish",
        user,
        response,
        now=at,
        message="Only a councillor or officer can publish, and only a complete draft.",
    )
    async with transaction(request) as session:
        fresh = await service.get_response(session, response.id or 0)
        assert fresh is not None
        try:
            version = await service.publish(session, fresh, actor=user, now=at)
        except service.ResponseError as exc:
            raise Conflict(" ".join(exc.errors.values())) from None
        if version.version == 1:
            await notify_published(
                session,
                fresh,
                version,
                mail=request.app.state.mail,
                settings=request.app.state.settings,
                now=at,
            )
    return RedirectResponse(f"/responses/{response.id}", status_code=303)


async def comments(request: Request) -> HttpResponse:
    user = require_user(request)
    require("responses.moderate_comments", user, None, now=now(request))
    async with reading(request) as session:
        pending = await ratings.comments_awaiting_moderation(session)
    return render_page(request, "responses/comments.html", {"pending": pending})


async def moderate(request: Request) -> HttpResponse:
    user = require_user(request)
    at = now(request)
    require("responses.moderate_comments", user, None, now=at)
    form = await read_form(request)
    decision = text(form, "decision")
    if decision not in {"approve", "reject"}:
        raise HTTPException(400, "Choose to approve or reject the comment.")
    async with transaction(request) as session:
        rating = await session.get(Rating, path_id(request, "rating_id"))
        if rating is None:
            raise HTTPException(404)
        await ratings.moderate_comment(session, rating, actor=user, approve=decision == "approve", now=at)
    return RedirectResponse("/responses/comments", status_code=303)
