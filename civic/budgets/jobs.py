"""Youth budgets housekeeping: mix each ballot box after voting closes; forget followers' email
addresses once delivery is long over."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.budgets.models import BudgetIdea, BudgetProcess
from civic.budgets.service_mixing import mix_ballots, recently_closed
from civic.budgets.settings import BudgetSettings
from civic.core.jobs import Job, JobContext

KEEP_EMAILS_DAYS = 730  # BUDGET_IDEA_EMAIL_KEEP_DAYS' default: two years after delivery starts


async def forget_emails(session: AsyncSession, *, now: datetime, keep_days: int = KEEP_EMAILS_DAYS) -> int:
    """Ideas' contact emails (only ever used for updates) go once delivery is long under way."""
    old = (
        await session.exec(
            select(BudgetProcess.id).where(col(BudgetProcess.delivery_at) < now - timedelta(days=keep_days))
        )
    ).all()
    if not old:
        return 0
    result = await session.exec(
        update(BudgetIdea)
        .where(col(BudgetIdea.process_id).in_(old), col(BudgetIdea.email).is_not(None))
        .values(email=None)
    )
    return int(result.rowcount or 0)


async def forget_emails_job(ctx: JobContext) -> str:
    async with ctx.db.transaction() as session:
        keep = BudgetSettings.of(ctx.settings).idea_email_keep_days
        forgotten = await forget_emails(session, now=ctx.now, keep_days=keep)
    return f"forgot {forgotten} youth budget follower email addresses"


async def mix_ballots_job(ctx: JobContext) -> str:
    async with ctx.db.reading() as session:
        process_ids = await recently_closed(session, now=ctx.now)
    mixed = 0
    for process_id in process_ids:
        async with ctx.db.transaction() as session:
            mixed += await mix_ballots(session, process_id)
    return f"mixed {mixed} youth budget ballots in {len(process_ids)} processes"


JOBS = (
    Job("budgets.forget_emails", timedelta(days=1), forget_emails_job),
    Job("budgets.mix_ballots", timedelta(minutes=15), mix_ballots_job),
)
