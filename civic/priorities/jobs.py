"""Scheduled jobs: close rounds whose closing time has passed, and delete personal data on time."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from civic.core.jobs import JobContext, job
from civic.priorities.models import PriorityRound, RoundState
from civic.priorities.results import close_round
from civic.priorities.voting import purge


@job("priorities.close_due", every=timedelta(minutes=5))
async def close_due_rounds(ctx: JobContext) -> str:
    async with ctx.db.transaction() as session:
        due = await session.exec(
            select(PriorityRound).where(
                PriorityRound.state == RoundState.VOTING_OPEN, col(PriorityRound.closes_at) <= ctx.now
            )
        )
        rounds = list(due.all())
        for item in rounds:
            await close_round(session, item, actor=None, now=ctx.now)
    return f"closed {len(rounds)} round(s)"


@job("priorities.purge", every=timedelta(hours=1))
async def purge_personal_data(ctx: JobContext) -> str:
    hours = ctx.settings.int_value("PRIORITIES_CONFIRM_HOURS")
    async with ctx.db.transaction() as session:
        contacts, pending = await purge(session, now=ctx.now, confirm_hours=hours)
    return f"deleted {contacts} contact(s) and {pending} expired pending ballot(s)"
