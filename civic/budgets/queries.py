"""Read-only queries: what youth budgets put on the home page's "open now" list, and the lists
behind its staff pages."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.budgets import service
from civic.budgets.models import BudgetBallot, BudgetPaperBatch, Phase
from civic.core.home import OpenItem
from civic.core.templating import format_datetime


async def open_budgets(session: AsyncSession, now: datetime) -> list[OpenItem]:
    items = []
    for process in await service.list_processes(session):
        phase = process.phase(now)
        if phase == Phase.VOTING:
            items.append(
                OpenItem(
                    "Youth budgets",
                    f"Vote: {process.title}",
                    f"/budgets/{process.slug}",
                    f"Voting closes {format_datetime(process.voting_closes_at)}",
                )
            )
        elif phase == Phase.IDEAS:
            items.append(
                OpenItem(
                    "Youth budgets",
                    f"Share an idea: {process.title}",
                    f"/budgets/{process.slug}",
                    f"Ideas close {format_datetime(process.review_at)}",
                )
            )
    return items


async def paper_batches_of(session: AsyncSession, process_id: int) -> list[BudgetPaperBatch]:
    """A process's bundles of paper ballots, in the order they were started."""
    rows = await session.exec(
        select(BudgetPaperBatch)
        .where(BudgetPaperBatch.process_id == process_id)
        .order_by(col(BudgetPaperBatch.id))
    )
    return list(rows.all())


async def ballots_by_area(session: AsyncSession, process_id: int) -> dict[int, int]:
    """How many ballots each area of a process has (areas with none are left out)."""
    rows = await session.exec(
        select(BudgetBallot.area_id, func.count())
        .where(BudgetBallot.process_id == process_id)
        .group_by(col(BudgetBallot.area_id))
    )
    return {area_id: n for area_id, n in rows.all() if area_id is not None}
