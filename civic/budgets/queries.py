"""Read-only queries for pages outside the feature: what youth budgets put on the home page's
"open now" list."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.budgets import service
from civic.budgets.models import Phase
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
