"""Every promise the features track, in one place: the commitment sources listed by the features
(their contract's `commitment_sources`, filled in from civic/features.py), beside the answers' own
commitments. Nothing is copied: each source reads its feature's own tables."""

from __future__ import annotations

from datetime import date

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.commitments import CommitmentInfo, CommitmentSource, Kept
from civic.core.i18n import lazy_gettext
from civic.core.paths import parse_id
from civic.responses.models import Commitment, CommitmentState, Response

ANSWER_KIND = "commitment"  # a commitment an answer records (civic/responses/service_commitments.py)
SOURCES: dict[str, CommitmentSource] = {}

_KEPT = {
    CommitmentState.OPEN: Kept.OPEN,
    CommitmentState.DONE: Kept.DONE,
    CommitmentState.DROPPED: Kept.DROPPED,
}


def page_path(kind: str, ref: str) -> str:
    """A commitment's public page: what, who, by when, and what the people who asked say."""
    return f"/responses/commitments/{kind}/{ref}"


def register_source(source: CommitmentSource) -> CommitmentSource:
    SOURCES[source.kind] = source
    return source


def _info(item: Commitment, response: Response) -> CommitmentInfo:
    return CommitmentInfo(
        kind=ANSWER_KIND,
        ref=str(item.id),
        what=item.what,
        owner="",
        body_slug=item.body_slug,
        due_on=item.due_on,
        state=_KEPT[item.state],
        closed_on=item.closed_at.date() if item.closed_at else None,
        href=f"/responses/{item.response_id}#commitment",
        asked_kind=response.target_kind,
        asked_ref=response.target_id,
        ward_codes=tuple(c for c in item.ward_codes.split(",") if c),
    )


async def _answers_load(session: AsyncSession, ref: str) -> CommitmentInfo | None:
    item = await session.get(Commitment, int(ref))
    response = await session.get(Response, item.response_id) if item else None
    return None if item is None or response is None else _info(item, response)


async def _answers_listing(session: AsyncSession) -> list[CommitmentInfo]:
    rows = await session.exec(select(Commitment, Response).join(Response))
    return [_info(item, response) for item, response in rows.all()]


ANSWERS_SOURCE = CommitmentSource(
    ANSWER_KIND, lazy_gettext("Commitment in an answer"), _answers_load, _answers_listing
)


def sources() -> list[CommitmentSource]:
    return [ANSWERS_SOURCE, *SOURCES.values()]


def labels() -> dict[str, str]:
    return {s.kind: str(s.label) for s in sources()}


async def load_commitment(session: AsyncSession, kind: str, ref: str | int) -> CommitmentInfo | None:
    source, key = {s.kind: s for s in sources()}.get(kind), parse_id(ref)
    return None if source is None or key is None else await source.load(session, str(key))


async def answering(session: AsyncSession, ask_kind: str, ask_ref: str) -> list[CommitmentInfo]:
    """The features' own commitments that answer one ask (an answer's commitment is reached through
    the answer instead). Only the sources whose commitments answer that kind of ask are asked."""
    found: list[CommitmentInfo] = []
    for source in SOURCES.values():
        if source.asks == ask_kind:
            found.extend(await source.for_ask(session, ask_ref))
    return found


async def all_commitments(session: AsyncSession) -> list[CommitmentInfo]:
    found: list[CommitmentInfo] = []
    for source in sources():
        found.extend(await source.listing(session))
    return sorted(found, key=lambda c: (c.due_on or date.max, c.kind, c.ref))
