"""Housekeeping jobs that belong to no single feature."""

from __future__ import annotations

from datetime import timedelta

from civic.core.jobs import Job, JobContext
from civic.core.ratelimit import purge_old_counters
from civic.core.sessions import purge_expired


async def purge_sessions(ctx: JobContext) -> str:
    async with ctx.db.transaction() as session:
        removed = await purge_expired(session, ctx.settings, ctx.now)
    return f"removed {removed} expired staff sessions"


async def purge_counters(ctx: JobContext) -> str:
    async with ctx.db.transaction() as session:
        removed = await purge_old_counters(session, now=ctx.now)
    return f"removed {removed} old rate-limit windows"


JOBS = (
    Job("site.purge_sessions", timedelta(hours=1), purge_sessions),
    Job("site.purge_rate_counters", timedelta(hours=6), purge_counters),
)
