"""Emails to followers (people who left an address with an idea), through the outbox.

Each message has a dedupe key, so a follower hears about the results of a process once, however many
times a count is published, and about each delivery update once, however often the request is retried.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.budgets import service
from civic.budgets.models import BudgetDeliveryUpdate, BudgetProcess, BudgetProposal, pk
from civic.core.outbox import Mail


async def results_published(
    session: AsyncSession, mail: Mail, process: BudgetProcess, funded: list[BudgetProposal], *, now: datetime
) -> int:
    """Queue the results email for every follower who has not had it; returns how many were queued."""
    queued = 0
    for email in await service.follower_emails(session, pk(process.id)):
        queued += await mail.enqueue(
            session,
            to=email,
            template="budgets_results",
            now=now,
            context={"process": process, "funded": funded},
            dedupe_key=f"budgets:results:{process.id}:{email}",
        )
    return queued


async def delivery_updated(
    session: AsyncSession,
    mail: Mail,
    process: BudgetProcess,
    proposal: BudgetProposal,
    update: BudgetDeliveryUpdate,
    *,
    now: datetime,
) -> int:
    queued = 0
    for email in await service.follower_emails(session, pk(process.id)):
        queued += await mail.enqueue(
            session,
            to=email,
            template="budgets_update",
            now=now,
            context={
                "process": process,
                "proposal": proposal,
                "text": update.text,
                "percent": update.percent,
                "status": update.status,
            },
            dedupe_key=f"budgets:update:{update.id}:{email}",
        )
    return queued
