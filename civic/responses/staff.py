"""Staff pages: the response queue, writing, previewing and publishing, and comment moderation."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.responses import Response as HttpResponse

from civic.core import audit
from civic.core.areas import list_wards
from civic.core.clock import now
from civic.core.db import reading, transaction
from civic.core.deps import path_id, staff, state
from civic.core.errors import Conflict, NotFound
from civic.core.forms import form_context, read_form, text
from civic.core.i18n import gettext
from civic.core.rules import can, require
from civic.core.targets import TargetInfo
from civic.core.templating import render_page
from civic.core.users import StaffUser
from civic.responses import queries_members, service, service_checkback, service_ratings
from civic.responses import service_versions as content
from civic.responses.models import CommitmentAnswer, Rating
from civic.responses.notify import notify_published
from civic.responses.queries_commitments import load_commitment
from civic.responses.queries_targets import KINDS, all_awaiting, load_target
from civic.responses.rules import RESPONDERS
from civic.responses.web_checkback import ANSWER_LABELS


async def queue(request: Request) -> HttpResponse:
    """Opens on everything the person may answer; the ward filter is chosen by name. (It once opened
    on a councillor's first ward code and showed nothing while the council's other asks waited.)"""
    user = staff(request, *RESPONDERS)
    ward = request.query_params.get("ward", "")
    body = request.query_params.get("body", "")
    async with reading(request) as session:
        wards = {w.code: w.name for w in await list_wards(session)}
        targets = await all_awaiting(session, now(request))
        published = {
            (r.target_kind, r.target_id) for r in await service.published_responses(session, limit=100_000)
        }
        drafts = {(r.target_kind, r.target_id): r for r in await service.drafts(session)}
        bodies = {b.slug: b for b in await queries_members.bodies_of(session, user)}
    ward = ward if ward in wards else ""  # an unknown ward filters nothing out
    waiting = [
        t
        for t in targets
        if t.body_slug in bodies  # only what this person may answer
        and (t.kind, t.id) not in published
        and (not ward or ward in t.ward_codes)
        and (not body or t.body_slug == body)
    ]
    waiting.sort(key=lambda t: (t.due_at is None, t.due_at))
    context = {
        "waiting": waiting,
        "drafts": drafts,
        "bodies": list(bodies.values()),
        "body_names": {slug: b.name for slug, b in bodies.items()},
        "ward": ward,
        "body": body,
        "kinds": KINDS,
        "body_pairs": [("", gettext("All your bodies")), *((b.slug, b.name) for b in bodies.values())],
        "ward_pairs": [("", gettext("All wards")), *sorted(wards.items(), key=lambda pair: pair[1])],
    }
    return render_page(request, "responses/queue.html", context)


async def _target(request: Request) -> tuple[TargetInfo, queries_members.Owed]:
    """The ask and who owes it: the existing response's body once started, else the target's."""
    kind, target_id = request.path_params["kind"], str(path_id(request, "target_id"))
    async with reading(request) as session:
        target = await load_target(session, kind, target_id)
        existing = await service.response_for(session, kind, target_id)
        if target is None:
            raise NotFound()
        owing = await queries_members.owed(
            session, existing.body_slug if existing else target.body_slug, existing
        )
    return target, owing


def _require(name: str, user: StaffUser, owing: queries_members.Owed, at: datetime) -> None:
    """The named rule decides; when it refuses, the page says why in the asker's terms."""
    require(name, user, owing, now=at, otherwise=_why_not(user, owing, at))


def _why_not(user: StaffUser, owing: queries_members.Owed, at: datetime) -> Exception:
    if not can("responses.answer", user, now=at):
        return HTTPException(403, gettext("Your role does not answer asks."))
    if owing.body is None:
        return Conflict(
            gettext(
                "The responsible body %(body)s is not set up; an admin must add it first.",
                body=repr(owing.body_slug),
            )
        )
    if not can("responses.draft", user, owing, now=at):
        return HTTPException(403, queries_members.refusal(owing))
    return HTTPException(403, gettext("Only a complete draft can be published."))


async def _as_admin(
    session: AsyncSession,
    user: StaffUser,
    owing: queries_members.Owed,
    action: str,
    response_id: int | None,
    at: datetime,
) -> None:
    """An admin answering for a body they are not a member of leaves a record saying so."""
    if owing.body is not None and queries_members.acts_as_admin(user, owing.body):
        await audit.record(
            session,
            actor=user,
            action="responses.as_admin",
            object_type="response",
            object_id=response_id,
            now=at,
            reason=f"{action} as admin for body {owing.body.slug} ({owing.body.name})",
        )


def _write_page(
    request: Request,
    target: TargetInfo,
    owing: queries_members.Owed,
    values: dict[str, str],
    errors: dict[str, str],
    versions: dict[str, dict[str, str]],
) -> HttpResponse:
    context: dict[str, object] = {
        "target": target,
        "response": owing.response,
        "owing": owing,
        "values": values,
        "version_languages": content.other_languages(state(request).settings),
        "versions": versions,
        **form_context(errors),
    }
    return render_page(request, "responses/write.html", context, status_code=422 if errors else 200)


async def write_form(request: Request) -> HttpResponse:
    user = staff(request)
    target, owing = await _target(request)
    _require("responses.draft", user, owing, now(request))
    existing = owing.response
    values = {
        "summary": existing.draft_summary if existing else "",
        "details": existing.draft_details if existing else "",
        "reason": "",
    }
    async with reading(request) as session:
        versions = await content.draft_versions(
            session, state(request).settings, existing.id if existing else None
        )
    return _write_page(request, target, owing, values, {}, versions)


async def save(request: Request) -> HttpResponse:
    user = staff(request)
    at = now(request)
    target, owing = await _target(request)
    _require("responses.draft", user, owing, at)
    existing = owing.response
    form = await read_form(request)
    values = {key: text(form, key) for key in ("summary", "details", "reason")}
    versions = content.form_versions(state(request).settings, {k: text(form, k) for k in form})
    errors = service.check_text(
        values["summary"],
        values["details"],
        values["reason"],
        republishing=bool(existing and existing.version),
    )
    errors.update(content.check(versions))
    if errors:
        return _write_page(request, target, owing, values, errors, versions)
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
            versions=versions,
        )
        await _as_admin(session, user, owing, "drafted", response.id, at)
    return RedirectResponse(f"/responses/{response.id}/preview", status_code=303)


async def _own(request: Request) -> queries_members.Owed:
    async with reading(request) as session:
        response = await service.get_response(session, path_id(request, "response_id"))
        if response is None:
            raise NotFound()
        return await queries_members.owed(session, response.body_slug, response)


async def preview(request: Request) -> HttpResponse:
    user = staff(request)
    owing = await _own(request)
    _require("responses.draft", user, owing, now(request))
    assert owing.response is not None
    async with reading(request) as session:
        versions = await content.draft_versions(session, state(request).settings, owing.response.id)
    context = {"response": owing.response, "owing": owing, "versions": versions}
    return render_page(request, "responses/preview.html", context)


async def publish(request: Request) -> HttpResponse:
    user = staff(request)
    at = now(request)
    owing = await _own(request)
    _require("responses.publish", user, owing, at)
    assert owing.response is not None
    async with transaction(request) as session:
        fresh = await service.get_response(session, path_id(request, "response_id"))
        assert fresh is not None
        try:
            version = await service.publish(
                session, fresh, actor=user, settings=state(request).settings, now=at
            )
        except service.ResponseError as exc:
            raise Conflict(" ".join(exc.errors.values())) from None
        await _as_admin(session, user, owing, f"published version {version.version}", fresh.id, at)
        if version.version == 1:
            await notify_published(
                session,
                fresh,
                version,
                mail=state(request).mail,
                settings=state(request).settings,
                now=at,
            )
    return RedirectResponse(f"/responses/{fresh.id}", status_code=303)


async def comments(request: Request) -> HttpResponse:
    user = staff(request)
    require("responses.moderate_comments", user, None, now=now(request))
    async with reading(request) as session:
        pending = await service_ratings.comments_awaiting_moderation(session)
        done_pending = [
            (answer, await load_commitment(session, answer.commitment_kind, answer.commitment_ref))
            for answer in await service_checkback.comments_awaiting_moderation(session)
        ]
    context = {"pending": pending, "done_pending": done_pending, "answer_labels": ANSWER_LABELS}
    return render_page(request, "responses/comments.html", context)


async def _comment_decision(request: Request, at: datetime) -> tuple[StaffUser, bool]:
    """Who is moderating, and whether they chose to show the comment (400 for anything else)."""
    user = staff(request)
    require("responses.moderate_comments", user, None, now=at)
    decision = text(await read_form(request), "decision")
    if decision not in {"approve", "reject"}:
        raise HTTPException(400, gettext("Choose to approve or reject the comment."))
    return user, decision == "approve"


async def moderate(request: Request) -> HttpResponse:
    at = now(request)
    user, approve = await _comment_decision(request, at)
    async with transaction(request) as session:
        rating = await session.get(Rating, path_id(request, "rating_id"))
        if rating is None:
            raise NotFound()
        await service_ratings.moderate_comment(session, rating, actor=user, approve=approve, now=at)
    return RedirectResponse("/responses/comments", status_code=303)


async def moderate_done(request: Request) -> HttpResponse:
    """Show or hide a comment left with a "was it done?" answer."""
    at = now(request)
    user, approve = await _comment_decision(request, at)
    async with transaction(request) as session:
        item = await session.get(CommitmentAnswer, path_id(request, "answer_id"))
        if item is None:
            raise NotFound()
        await service_checkback.moderate_comment(session, item, actor=user, approve=approve, now=at)
    return RedirectResponse("/responses/comments", status_code=303)
