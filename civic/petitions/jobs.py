"""Scheduled petition work: closing, tallying counts and thresholds, mailings, anonymisation."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, or_, select

from civic.core.jobs import Job, JobContext
from civic.core.outbox import Mail
from civic.petitions.models import PUBLISHED_STATES, Petition, State
from civic.petitions.policy import policy_of
from civic.petitions.service import close_due
from civic.petitions.service_counting import tally
from civic.petitions.service_debates import pending_mailings, send_batch
from civic.petitions.service_fraud import anonymise_due


async def close_petitions(ctx: JobContext) -> str:
    async with ctx.db.transaction() as session:
        closed = await close_due(session, now=ctx.now, policy=policy_of(ctx.settings))
    return f"closed {closed} petitions"


async def tally_counts(ctx: JobContext) -> str:
    """Counts and thresholds for open petitions and those still in their confirmation grace period."""
    policy = policy_of(ctx.settings)
    recently = ctx.now - policy.confirm_grace - timedelta(hours=1)
    async with ctx.db.transaction() as session:
        rows = await session.exec(
            select(Petition)
            .where(col(Petition.state).in_(PUBLISHED_STATES))
            .where(or_(Petition.state == State.OPEN, col(Petition.closed_at) > recently))
        )
        changed = await tally(session, list(rows.all()), now=ctx.now, policy=policy)
    return f"updated counts of {changed} petitions"


async def send_mailings(ctx: JobContext) -> str:
    policy = policy_of(ctx.settings)
    assert isinstance(ctx.mail, Mail)
    queued = 0
    async with ctx.db.transaction() as session:
        for mailing in await pending_mailings(session):
            queued += await send_batch(
                session, mailing, now=ctx.now, mail=ctx.mail, batch=policy.notify_batch
            )
    return f"queued {queued} petition emails"


async def anonymise(ctx: JobContext) -> str:
    async with ctx.db.transaction() as session:
        done = await anonymise_due(session, now=ctx.now, policy=policy_of(ctx.settings))
    return f"anonymised signers of {done} petitions"


JOBS = (
    Job("petitions.close", timedelta(minutes=1), close_petitions),
    Job("petitions.tally", timedelta(seconds=20), tally_counts),
    Job("petitions.mailings", timedelta(seconds=20), send_mailings),
    Job("petitions.anonymise", timedelta(hours=6), anonymise),
)
