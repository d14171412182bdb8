"""Drafting, publishing and versioning responses. Services flush; the handler commits."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.config import Settings
from civic.core import audit
from civic.core.areas import Ward
from civic.core.db import row_id
from civic.core.errors import Conflict
from civic.core.i18n import gettext
from civic.core.targets import TargetInfo
from civic.core.users import Role, StaffUser, ward_codes_of
from civic.responses import service_versions as content
from civic.responses.models import (
    DETAILS_MAX,
    SUMMARY_MAX,
    BodyKind,
    Rating,
    Response,
    ResponseState,
    ResponseVersion,
    ResponsibleBody,
)


class ResponseError(ValueError):
    """Input problems, keyed by form field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def check_text(summary: str, details: str, reason: str, *, republishing: bool) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not summary:
        errors["summary"] = gettext("Enter a summary of the response")
    elif len(summary) > SUMMARY_MAX:
        errors["summary"] = gettext("Summary must be %(most)s characters or fewer", most=SUMMARY_MAX)
    if not details:
        errors["details"] = gettext("Enter the response in full")
    elif len(details) > DETAILS_MAX:
        errors["details"] = gettext(
            "The full response must be %(most)s characters or fewer", most=f"{DETAILS_MAX:,}"
        )
    if republishing and not reason:
        errors["reason"] = gettext(
            "Say why the published response is being changed; the reason is shown with it"
        )
    elif len(reason) > 500:
        errors["reason"] = gettext("Reason must be 500 characters or fewer")
    return errors


async def _author_fields(session: AsyncSession, actor: StaffUser) -> dict[str, str]:
    wards = ""
    if actor.role == Role.COUNCILLOR and actor.id is not None:
        codes = await ward_codes_of(session, actor.id)
        names = (
            (await session.exec(select(Ward.name).where(col(Ward.code).in_(codes)))).all() if codes else []
        )
        wards = ", ".join(sorted(names))
    return {
        "author_name": actor.name,
        "author_role": actor.role.record_label,
        "author_wards": wards,
        "author_party": actor.party or "",
    }


async def get_response(session: AsyncSession, response_id: int) -> Response | None:
    return await session.get(Response, response_id)


async def response_for(session: AsyncSession, kind: str, target_id: str) -> Response | None:
    rows = await session.exec(
        select(Response).where(Response.target_kind == kind, Response.target_id == target_id)
    )
    return rows.first()


async def start_response(
    session: AsyncSession, target: TargetInfo, *, actor: StaffUser, now: datetime
) -> Response:
    """The response to `target`, created as an empty draft if there is none yet."""
    existing = await response_for(session, target.kind, target.id)
    if existing is not None:
        return existing
    if await session.get(ResponsibleBody, target.body_slug) is None:
        raise Conflict(
            gettext(
                "The responsible body %(body)s is not set up; an admin must add it first.",
                body=repr(target.body_slug),
            )
        )
    response = Response(
        target_kind=target.kind,
        target_id=target.id,
        target_title=target.title[:300],
        body_slug=target.body_slug,
        due_at=target.due_at,
        created_at=now,
        author_id=actor.id,
        author_name=actor.name,
    )
    for key, value in (await _author_fields(session, actor)).items():
        setattr(response, key, value)
    session.add(response)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="responses.start",
        object_type="response",
        object_id=response.id,
        now=now,
        reason=f"{target.kind} {target.id}",
    )
    return response


async def save_draft(
    session: AsyncSession,
    response: Response,
    *,
    actor: StaffUser,
    summary: str,
    details: str,
    reason: str,
    now: datetime,
    versions: Mapping[str, Mapping[str, str]] | None = None,
) -> None:
    """Save the draft and, when given, its versions in the other languages (lang -> field -> text)."""
    errors = check_text(summary, details, reason, republishing=False)
    errors.pop("reason", None)
    if len(summary) > SUMMARY_MAX or len(details) > DETAILS_MAX:
        raise ResponseError(errors)
    if versions and (version_errors := content.check(versions)):
        raise ResponseError(version_errors)
    response.draft_summary, response.draft_details, response.draft_reason = summary, details, reason
    response.author_id = actor.id
    for key, value in (await _author_fields(session, actor)).items():
        setattr(response, key, value)
    session.add(response)
    await session.flush()
    if versions and await content.save_draft_versions(session, row_id(response), versions, at=now):
        await audit.record(
            session,
            actor=actor,
            action="responses.versions_saved",
            object_type="response",
            object_id=row_id(response),
            now=now,
            reason=", ".join(sorted(lang for lang, texts in versions.items() if any(texts.values()))),
        )


async def publish(
    session: AsyncSession,
    response: Response,
    *,
    actor: StaffUser,
    now: datetime,
    settings: Settings | None = None,
) -> ResponseVersion:
    """Publish the draft as the next version, with the draft's versions in the other languages. A
    change to a published response needs a reason; a council that publishes in every language needs
    every version first (the handlers pass `settings`, which says whether it does)."""
    republishing = response.version > 0
    errors = check_text(
        response.draft_summary, response.draft_details, response.draft_reason, republishing=republishing
    )
    if errors:
        raise ResponseError(errors)
    if refused := await content.refusal(session, settings, response):
        raise ResponseError(refused)
    version = ResponseVersion(
        response_id=row_id(response),
        version=response.version + 1,
        summary=response.draft_summary,
        details=response.draft_details,
        reason=response.draft_reason if republishing else "",
        author_name=response.author_name,
        published_at=now,
    )
    session.add(version)
    response.version = version.version
    response.state = ResponseState.PUBLISHED
    response.first_published_at = response.first_published_at or now
    response.draft_reason = ""
    session.add(response)
    await session.flush()
    await content.publish_versions(session, row_id(response), row_id(version), at=now)
    action = "responses.publish" if version.version == 1 else "responses.republish"
    await audit.record(
        session,
        actor=actor,
        action=action,
        object_type="response",
        object_id=row_id(response),
        now=now,
        reason=version.reason or response.target_title,
        public=True,
    )
    return version


async def versions_of(session: AsyncSession, response_id: int) -> list[ResponseVersion]:
    rows = await session.exec(
        select(ResponseVersion)
        .where(ResponseVersion.response_id == response_id)
        .order_by(col(ResponseVersion.version).desc())
    )
    return list(rows.all())


async def current_versions(session: AsyncSession, response_ids: list[int]) -> dict[int, ResponseVersion]:
    """Each response's current published version, in one query per 500 responses."""
    found: dict[int, ResponseVersion] = {}
    for start in range(0, len(response_ids), 500):
        rows = await session.exec(
            select(ResponseVersion)
            .join(Response, col(Response.id) == col(ResponseVersion.response_id))
            .where(
                col(Response.id).in_(response_ids[start : start + 500]),
                col(ResponseVersion.version) == col(Response.version),
            )
        )
        found.update((v.response_id, v) for v in rows.all())
    return found


async def current_summaries(session: AsyncSession, response_ids: list[int]) -> dict[int, str]:
    """The summary of each response's current published version, in one query per 500 responses."""
    found: dict[int, str] = {}
    for start in range(0, len(response_ids), 500):
        rows = await session.exec(
            select(ResponseVersion.response_id, ResponseVersion.summary)
            .join(Response, col(Response.id) == col(ResponseVersion.response_id))
            .where(
                col(Response.id).in_(response_ids[start : start + 500]),
                col(ResponseVersion.version) == col(Response.version),
            )
        )
        found.update(rows.all())
    return found


async def published_responses(
    session: AsyncSession,
    *,
    kind: str | None = None,
    body: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Response]:
    query = select(Response).where(Response.state == ResponseState.PUBLISHED)
    if kind:
        query = query.where(Response.target_kind == kind)
    if body:
        query = query.where(Response.body_slug == body)
    rows = await session.exec(
        query.order_by(col(Response.first_published_at).desc()).offset(offset).limit(limit)
    )
    return list(rows.all())


async def drafts(session: AsyncSession) -> list[Response]:
    rows = await session.exec(
        select(Response).where(Response.state == ResponseState.DRAFT).order_by(col(Response.due_at))
    )
    return list(rows.all())


async def rating_summary(session: AsyncSession, response_id: int) -> tuple[float | None, int]:
    row = (
        await session.exec(
            select(func.avg(Rating.score), func.count()).where(Rating.response_id == response_id)
        )
    ).one()
    average, count = row
    return (None if average is None else round(float(average), 1), int(count))


async def list_bodies(session: AsyncSession) -> list[ResponsibleBody]:
    return list((await session.exec(select(ResponsibleBody).order_by(col(ResponsibleBody.name)))).all())


async def ensure_body(
    session: AsyncSession, slug: str, name: str, kind: BodyKind, description: str = ""
) -> ResponsibleBody:
    """The body with this slug, created if missing; features call it when they create what it answers for."""
    body = await session.get(ResponsibleBody, slug)
    if body is None:
        body = ResponsibleBody(slug=slug, name=name, kind=kind, description=description)
        session.add(body)
        await session.flush()
    return body
