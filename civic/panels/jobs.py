"""Scheduled housekeeping for panels."""

from __future__ import annotations

from datetime import timedelta

from civic.core.jobs import Job, JobContext
from civic.panels.service_subscriptions import purge_unconfirmed


async def purge_subscriptions(ctx: JobContext) -> str:
    async with ctx.db.transaction() as session:
        removed = await purge_unconfirmed(session, now=ctx.now)
    return f"removed {removed} subscriptions never confirmed"


JOBS = (Job("panels.purge_unconfirmed_subscriptions", timedelta(hours=6), purge_subscriptions),)
