"""Housekeeping jobs that belong to no single feature."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from civic.core.backup import scheduled_backup
from civic.core.jobs import Job, JobContext
from civic.core.ratelimit import purge_old_counters
from civic.core.sessions import purge_expired
from civic.core.signins import purge_old


async def purge_sessions(ctx: JobContext) -> str:
    async with ctx.db.transaction() as session:
        removed = await purge_expired(session, ctx.settings, ctx.now)
    return f"removed {removed} expired staff sessions"


async def purge_counters(ctx: JobContext) -> str:
    async with ctx.db.transaction() as session:
        removed = await purge_old_counters(session, now=ctx.now)
    return f"removed {removed} old rate-limit windows"


async def purge_signins(ctx: JobContext) -> str:
    """Sign-in records (IP addresses, browsers) past SIGNIN_HISTORY_DAYS, and abandoned sign-ins."""
    async with ctx.db.transaction() as session:
        removed = await purge_old(session, ctx.settings, ctx.now)
    return f"removed {removed} old staff sign-in records"


async def backup_sqlite(ctx: JobContext) -> str:
    """The embedded default's own backups (BACKUP_DIR); each run decides whether one is due."""
    if not ctx.settings.backup_dir:
        return "BACKUP_DIR is not set"
    return await scheduled_backup(
        ctx.settings.database_url,
        Path(ctx.settings.backup_dir),
        now=ctx.now,
        every=timedelta(hours=ctx.settings.backup_every_hours),
        keep=ctx.settings.backup_keep,
    )


JOBS = (
    Job("site.purge_sessions", timedelta(hours=1), purge_sessions),
    Job("site.purge_signins", timedelta(hours=6), purge_signins),
    Job("site.purge_rate_counters", timedelta(hours=6), purge_counters),
    Job("site.backup", timedelta(hours=1), backup_sqlite),
)
