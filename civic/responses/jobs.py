"""Responses jobs: followers' addresses are kept only until a while after the answer, and the people
who asked are asked "was it done?" once a commitment falls due."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.jobs import Job, JobContext
from civic.core.outbox import Mail
from civic.responses import notify_checkback, service_checkback
from civic.responses.models import Follower, Response
from civic.responses.settings import ResponseSettings


async def purge_followers(session: AsyncSession, *, now: datetime, keep_days: int) -> int:
    """Delete followers of asks first answered more than `keep_days` ago, and follows never confirmed
    within that time. Later versions of an answer reach the ask's own audience, not these followers."""
    cutoff = now - timedelta(days=keep_days)
    answered = exists(
        select(Response.id).where(
            col(Response.target_kind) == col(Follower.target_kind),
            col(Response.target_id) == col(Follower.target_id),
            col(Response.first_published_at) < cutoff,
        )
    )
    unconfirmed = and_(col(Follower.confirmed_at).is_(None), col(Follower.created_at) < cutoff)
    result = await session.exec(delete(Follower).where(or_(answered, unconfirmed)))
    return int(result.rowcount or 0)


async def purge_followers_job(ctx: JobContext) -> str:
    keep = ResponseSettings.of(ctx.settings).follower_keep_days
    async with ctx.db.transaction() as session:
        removed = await purge_followers(session, now=ctx.now, keep_days=keep)
    return f"deleted {removed} followers' addresses"


async def ask_was_it_done(session: AsyncSession, *, mail: Mail, now: datetime) -> int:
    """Ask about every commitment, of any feature, that fell due (or was marked done) and was not yet
    asked about. Its check row keeps later runs from asking again; the outbox's dedupe key keeps a
    retried run from emailing anyone twice."""
    emailed = 0
    for item in await service_checkback.due_to_ask(session, now.date()):
        if await service_checkback.mark_asked(session, item, now):
            emailed += await notify_checkback.ask_was_it_done(
                session, item, mail=mail, settings=mail.settings, now=now
            )
    return emailed


async def ask_was_it_done_job(ctx: JobContext) -> str:
    assert isinstance(ctx.mail, Mail)
    async with ctx.db.transaction() as session:
        emailed = await ask_was_it_done(session, mail=ctx.mail, now=ctx.now)
    return f"asked {emailed} people whether commitments were done"


JOBS = (
    Job("responses.purge_followers", timedelta(hours=6), purge_followers_job),
    Job("responses.ask_was_it_done", timedelta(hours=1), ask_was_it_done_job),
)
