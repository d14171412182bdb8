"""Scheduled housekeeping for panels."""

from __future__ import annotations

from datetime import timedelta

from civic.core.jobs import JobContext, job
from civic.panels.service_subscriptions import purge_unconfirmed


@job("panels.purge_unconfirmed_subscriptions", every=timedelta(hours=6))
async def purge_subscriptions(ctx: JobContext) -> str:
    async with ctx.db.transaction() as session:
        removed = await purge_unconfirmed(session, now=ctx.now)
    return f"removed {removed} subscriptions never confirmed"
