"""Plugs petitions into the responses feature: a petition that reaches its response threshold owes
residents a published answer from the council by its due date, and its opted-in signers are the people
who asked to hear it. The answer itself lives in the generic `response` tables (one model for every
feature); this module also reads it back in the shape the petition pages and data need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, exists
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core import content_languages
from civic.core.content_languages import Versions
from civic.core.db import row_id
from civic.core.i18n import lazy_gettext as _l
from civic.core.targets import TargetInfo, TargetKind
from civic.petitions.models import RESPONDABLE_STATES, Petition, Signature, counted
from civic.responses import service_versions as response_versions
from civic.responses.models import Response, ResponseState, ResponseVersion

KIND = "petition"
COUNCIL_BODY = "council"  # petitions ask the council as a whole; its councillors and officers answer


@dataclass(frozen=True)
class Answer:
    """The council's current published answer to a petition, as its page and open data show it."""

    response_id: int
    summary: str
    details: str
    published_at: datetime  # first publication: when the council answered
    updated_at: datetime  # publication of the current version
    version: int
    author_label: str
    version_id: int  # the response_version row holding the text (and its other languages)

    @property
    def id(self) -> int:
        """What the versions of the text are keyed on (civic/core/content_languages.py)."""
        return self.version_id


async def _creator_wards(session: AsyncSession, petition_ids: list[int]) -> dict[int, str]:
    rows = await session.exec(
        select(Signature.petition_id, Signature.ward_code).where(
            col(Signature.petition_id).in_(petition_ids), col(Signature.is_creator).is_(True)
        )
    )
    return {int(pid): str(ward) for pid, ward in rows.all() if ward}


def _info(petition: Petition, creator_ward: str | None) -> TargetInfo:
    return TargetInfo(
        kind=KIND,
        id=str(row_id(petition)),
        title=petition.action,
        href=f"/petitions/{row_id(petition)}",
        body_slug=COUNCIL_BODY,
        asked_at=petition.response_threshold_reached_at or petition.opened_at or petition.created_at,
        due_at=petition.response_due_at,
        ward_codes=(creator_ward,) if creator_ward else (),
        summary=petition.background[:200],
    )


async def load(session: AsyncSession, target_id: str) -> TargetInfo | None:
    """Any published petition may be answered; only those past the threshold are owed an answer."""
    petition = await session.get(Petition, int(target_id)) if target_id.isdigit() else None
    if petition is None or petition.state not in RESPONDABLE_STATES:
        return None
    wards = await _creator_wards(session, [row_id(petition)])
    return _info(petition, wards.get(row_id(petition)))


async def awaiting(session: AsyncSession, now: datetime) -> list[TargetInfo]:
    answered = has_published_answer()
    rows = await session.exec(
        select(Petition)
        .where(col(Petition.state).in_(RESPONDABLE_STATES))
        .where(col(Petition.response_threshold_reached_at).is_not(None) | answered)
        .order_by(col(Petition.response_threshold_reached_at).desc(), col(Petition.id).desc())
    )
    petitions = list(rows.all())
    wards = await _creator_wards(session, [p.id for p in petitions if p.id is not None])
    return [_info(petition, wards.get(row_id(petition))) for petition in petitions]


async def audience(session: AsyncSession, target_id: str) -> list[str]:
    """Confirmed signers who asked for updates; signatures found to be fraudulent are left out."""
    if not target_id.isdigit():
        return []
    rows = await session.exec(
        select(Signature.email).where(
            Signature.petition_id == int(target_id), col(Signature.notify).is_(True), *counted()
        )
    )
    return list(rows.all())


async def languages(session: AsyncSession, target_id: str) -> dict[str, str]:
    """The language each signer signed in, so the answer reaches them in it."""
    if not target_id.isdigit():
        return {}
    rows = await session.exec(
        select(Signature.email, Signature.lang).where(
            Signature.petition_id == int(target_id), col(Signature.notify).is_(True), *counted()
        )
    )
    return dict(rows.all())


def has_published_answer() -> Any:
    """SQL: the petition in the enclosing query has a published response."""
    return exists().where(
        col(Response.target_kind) == KIND,
        col(Response.target_id) == cast(col(Petition.id), String),
        col(Response.state) == ResponseState.PUBLISHED,
    )


async def published_answers(session: AsyncSession, petition_ids: list[int]) -> dict[int, Answer]:
    """The current published answer of each of these petitions that has one, in one query."""
    if not petition_ids:
        return {}
    rows = await session.exec(
        select(Response, ResponseVersion)
        .join(ResponseVersion, col(ResponseVersion.response_id) == col(Response.id))
        .where(
            Response.target_kind == KIND,
            col(Response.target_id).in_([str(pid) for pid in petition_ids]),
            Response.state == ResponseState.PUBLISHED,
            col(ResponseVersion.version) == col(Response.version),
        )
    )
    return {int(response.target_id): _answer(response, version) for response, version in rows.all()}


async def published_answer(session: AsyncSession, petition_id: int) -> Answer | None:
    return (await published_answers(session, [petition_id])).get(petition_id)


def _answer(response: Response, version: ResponseVersion) -> Answer:
    assert response.first_published_at is not None
    return Answer(
        response_id=row_id(response),
        summary=version.summary,
        details=version.details,
        published_at=response.first_published_at,
        updated_at=version.published_at,
        version=version.version,
        author_label=", ".join(part for part in (version.author_name, response.author_role) if part),
        version_id=row_id(version),
    )


async def answer_texts(session: AsyncSession, answer: Answer | None) -> Versions:
    """The published answer's summary and details in the other languages (responses/versions.py)."""
    ids = [answer.version_id] if answer else []
    return await content_languages.load(session, response_versions.KIND, ids)


TARGET_KIND = TargetKind(KIND, _l("Petition"), load, awaiting, audience, languages)
