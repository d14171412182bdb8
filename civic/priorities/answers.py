"""Plugs priorities rounds into the responses feature: once voting closes, the neighbourhood's policing
team owes residents a published answer, and the voters who asked for news are its audience."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.areas import Neighbourhood
from civic.core.i18n import lazy_gettext as _l
from civic.core.targets import TargetInfo, TargetKind
from civic.priorities.models import PriorityRound, RoundState
from civic.priorities.service_voting import contacts_of
from civic.responses.queries_members import police_body

KIND = "priorities_round"
ANSWER_WITHIN = timedelta(days=28)  # from the close of voting


async def _info(session: AsyncSession, item: PriorityRound) -> TargetInfo:
    hood = await session.get(Neighbourhood, item.neighbourhood_slug)
    asked = item.closed_at or item.closes_at
    return TargetInfo(
        kind=KIND,
        id=str(item.id),
        title=f"{item.title}: {hood.name if hood else item.neighbourhood_slug}",
        href=f"/priorities/rounds/{item.id}",
        body_slug=police_body(item.neighbourhood_slug),
        asked_at=asked,
        due_at=asked + ANSWER_WITHIN,
        summary=f"Residents voted on what their policing team should focus on ({item.online_voters} online).",
    )


async def load(session: AsyncSession, target_id: str) -> TargetInfo | None:
    item = await session.get(PriorityRound, int(target_id)) if target_id.isdigit() else None
    if item is None or item.state not in {RoundState.CLOSED, RoundState.PUBLISHED}:
        return None
    return await _info(session, item)


async def awaiting(session: AsyncSession, now: datetime) -> list[TargetInfo]:
    rows = await session.exec(
        select(PriorityRound)
        .where(col(PriorityRound.state).in_([RoundState.CLOSED, RoundState.PUBLISHED]))
        .order_by(col(PriorityRound.closed_at).desc(), col(PriorityRound.id).desc())
    )
    return [await _info(session, item) for item in rows.all()]


async def audience(session: AsyncSession, target_id: str) -> list[str]:
    return [c.email for c in await contacts_of(session, int(target_id))] if target_id.isdigit() else []


async def languages(session: AsyncSession, target_id: str) -> dict[str, str]:
    """The language each contact voted in."""
    return (
        {c.email: c.lang for c in await contacts_of(session, int(target_id))} if target_id.isdigit() else {}
    )


TARGET_KIND = TargetKind(KIND, _l("Police priority round"), load, awaiting, audience, languages)
