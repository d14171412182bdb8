"""Report-card rows for police priorities: of the priorities a policing team is still working on,
how many had a public update within the last 90 days (the same test that flags a priority stale).

Rows appear on the cards of policing teams (their neighbourhood) and wards (the neighbourhood the ward
is in), each compared with every neighbourhood's priorities together.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.areas import list_neighbourhoods, neighbourhood_of_ward
from civic.core.i18n import lazy_gettext as _l
from civic.core.reportcard import MetricRow, Scope
from civic.priorities.models import ACTIVE_STATUSES, STALE_AFTER, Priority
from civic.responses.queries_members import police_body
from civic.responses.stats import percent

LABEL = _l("Current police priorities with a public update in the last 90 days")


async def _neighbourhood_of(session: AsyncSession, scope: Scope) -> str | None:
    """The neighbourhood whose priorities a card is about; None when priorities do not apply to it."""
    if scope.kind == "ward" and scope.key is not None:
        hood = await neighbourhood_of_ward(session, scope.key)
        return None if hood is None else hood.slug
    if scope.kind == "body":
        for hood in await list_neighbourhoods(session):
            if police_body(hood.slug) == scope.key:
                return hood.slug
    return None


async def _current(session: AsyncSession) -> list[tuple[str, datetime]]:
    """(neighbourhood, last public update) of every priority still being worked on; adoption counts
    as the first update, as it does for the stale flag on the public pages."""
    rows = await session.exec(
        select(Priority.neighbourhood_slug, Priority.last_update_at).where(
            col(Priority.status).in_(list(ACTIVE_STATUSES))
        )
    )
    return [(slug, at) for slug, at in rows.all()]


def _share_fresh(updated: list[datetime], now: datetime) -> float | None:
    return percent(sum(1 for at in updated if now - at <= STALE_AFTER), len(updated))


async def priorities_updated(session: AsyncSession, scope: Scope, now: datetime) -> list[MetricRow]:
    everywhere = await _current(session)
    council = _share_fresh([at for _, at in everywhere], now)
    if scope.key is None:
        return [MetricRow(LABEL, council, council, "%")]
    slug = await _neighbourhood_of(session, scope)
    if slug is None:
        return []
    mine = _share_fresh([at for hood, at in everywhere if hood == slug], now)
    return [MetricRow(LABEL, mine, council, "%")]
