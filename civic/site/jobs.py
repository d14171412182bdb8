"""Housekeeping jobs that belong to no single feature."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from civic.core.audit import redact_due
from civic.core.backup import scheduled_backup
from civic.core.data_requests import purge_closed
from civic.core.jobs import Job, JobContext
from civic.core.outbox import redact_outbox
from civic.core.ratelimit import purge_old_counters
from civic.core.sessions import purge_expired
from civic.core.signins import purge_old


async def purge_sessions(ctx: JobContext) -> str:
    async with ctx.db.transaction() as session:
        removed = await purge_expired(session, ctx.settings, ctx.now)
    return f"removed {removed} expired staff sessions"


async def purge_counters(ctx: JobContext) -> str:
    keep = ctx.settings.int_value("RATE_LIMIT_KEEP_HOURS")
    async with ctx.db.transaction() as session:
        removed = await purge_old_counters(session, now=ctx.now, keep_hours=keep)
    return f"removed {removed} old rate-limit windows"


async def purge_signins(ctx: JobContext) -> str:
    """Sign-in records (IP addresses, browsers) past SIGNIN_HISTORY_DAYS, and abandoned sign-ins."""
    async with ctx.db.transaction() as session:
        removed = await purge_old(session, ctx.settings, ctx.now)
    return f"removed {removed} old staff sign-in records"


async def redact_outbox_job(ctx: JobContext) -> str:
    keep = timedelta(days=ctx.settings.int_value("OUTBOX_KEEP_DAYS"))
    async with ctx.db.transaction() as session:
        removed = await redact_outbox(session, now=ctx.now, older_than=keep)
    return f"removed addresses and text of {removed} old emails"


async def redact_audit(ctx: JobContext) -> str:
    keep = timedelta(days=ctx.settings.int_value("AUDIT_PERSONAL_DETAILS_DAYS"))
    async with ctx.db.transaction() as session:
        redacted = await redact_due(session, now=ctx.now, older_than=keep)
    return f"redacted the details of {redacted} audit entries"


async def purge_data_requests(ctx: JobContext) -> str:
    keep = ctx.settings.int_value("DATA_REQUEST_KEEP_DAYS")
    async with ctx.db.transaction() as session:
        removed = await purge_closed(session, now=ctx.now, keep_days=keep)
    return f"deleted {removed} closed data requests"


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
    Job("site.redact_outbox", timedelta(hours=6), redact_outbox_job),
    Job("site.redact_audit", timedelta(hours=6), redact_audit),
    Job("site.purge_data_requests", timedelta(days=1), purge_data_requests),
)
