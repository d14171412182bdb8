"""Scheduled housekeeping for surveys."""

from __future__ import annotations

from datetime import timedelta

from civic.core.jobs import Job, JobContext
from civic.surveys.service_privacy import erase_keys
from civic.surveys.settings import SurveySettings


async def erase_respondent_keys(ctx: JobContext) -> str:
    keep = SurveySettings.of(ctx.settings).key_keep_days
    async with ctx.db.transaction() as session:
        erased = await erase_keys(session, now=ctx.now, keep_days=keep)
    return f"erased {erased} respondent keys of closed surveys"


JOBS = (Job("surveys.erase_respondent_keys", timedelta(hours=6), erase_respondent_keys),)
