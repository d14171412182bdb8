"""Read-only queries: what youth budgets put on the home page's "open now" list, the lists behind
its staff pages, and a receipt holder's own share of the published count."""

from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.budgets import service, service_results, shares
from civic.budgets.models import BudgetBallot, BudgetPaperBatch, BudgetProcess, Phase
from civic.core.db import row_id
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


async def your_share(
    session: AsyncSession, process: BudgetProcess, ballot: BudgetBallot, choices: list[int]
) -> shares.YourShare | None:
    """The share of the ballot a receipt found, from the published count (None before it is
    published). Worked out when asked and never stored: nothing links a share to anyone."""
    result = await service_results.latest_result(session, row_id(process), published=True)
    if result is None:
        return None
    areas = json.loads(result.outcome_json)["areas"]
    area = next((a for a in areas if a.get("area_id") == ballot.area_id), None)
    if area is None:  # a count made before this ballot's area existed: say so rather than guess
        return shares.YourShare(None, [], [str(shares.NOT_COUNTED)])
    proposals = await service.proposals_of(session, row_id(process))
    titles = {str(p.number): p.title for p in proposals}
    number = {p.id: str(p.number) for p in proposals}
    chosen = [number[c] for c in choices if c in number]
    return shares.your_share(area, chosen, titles, has_areas=ballot.area_id is not None)
