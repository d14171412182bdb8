"""Scheduled housekeeping for panels."""

from __future__ import annotations

from datetime import timedelta

from civic.core.jobs import Job, JobContext
from civic.panels.service_subscriptions import purge_ended, purge_unconfirmed
from civic.panels.settings import PanelSettings


async def purge_subscriptions(ctx: JobContext) -> str:
    async with ctx.db.transaction() as session:
        removed = await purge_unconfirmed(session, now=ctx.now)
    return f"removed {removed} subscriptions never confirmed"


async def purge_ended_subscriptions(ctx: JobContext) -> str:
    keep = PanelSettings.of(ctx.settings).ended_subscription_keep_days
    async with ctx.db.transaction() as session:
        removed = await purge_ended(session, now=ctx.now, keep_days=keep)
    return f"removed {removed} ended subscriptions"


JOBS = (
    Job("panels.purge_unconfirmed_subscriptions", timedelta(hours=6), purge_subscriptions),
    Job("panels.purge_ended_subscriptions", timedelta(hours=6), purge_ended_subscriptions),
)
