"""Scheduled jobs (closing petitions, anonymising data, purging counters, ...).

Each feature's contract lists its jobs (`Job(name, every, run)`); civic/features.py fills `REGISTRY`
from them. The background worker runs each one when due;
a lease row per job makes sure only one process runs it at a time when several are deployed.
`civic jobs run` runs them all once, for deployments that prefer cron.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Field, SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.config import Settings
from civic.core.db import Database, UTCDateTime

log = logging.getLogger("civic.jobs")


@dataclass(frozen=True)
class JobContext:
    """What a job gets: the database, settings, the current time and the mail queue."""

    db: Database
    settings: Settings
    now: datetime
    mail: object  # civic.core.outbox.Mail; typed loosely to keep this module free of templating


JobFunc = Callable[[JobContext], Awaitable[str]]


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: JobFunc


REGISTRY: dict[str, Job] = {}


class JobLease(SQLModel, table=True):
    __tablename__ = "job_lease"

    name: str = Field(primary_key=True, max_length=80)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_run_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_result: str = Field(default="", max_length=500)


async def _take_lease(session: AsyncSession, item: Job, now: datetime, force: bool) -> bool:
    lease = await session.get(JobLease, item.name, with_for_update=True)
    if lease is None:
        lease = JobLease(name=item.name)
    due = force or lease.last_run_at is None or now - lease.last_run_at >= item.every
    free = lease.lease_until is None or lease.lease_until < now
    if not (due and free):
        return False
    lease.lease_until = now + timedelta(minutes=10)
    session.add(lease)
    return True


async def run_due_jobs(ctx: JobContext, *, force: bool = False) -> dict[str, str]:
    """Run every job that is due (or all of them with force); returns name -> result line."""
    results: dict[str, str] = {}
    for item in list(REGISTRY.values()):
        async with ctx.db.transaction() as session:
            if not await _take_lease(session, item, ctx.now, force):
                continue
        try:
            result = await item.run(ctx)
        except Exception as exc:
            log.exception("job %s failed", item.name)
            result = f"failed: {exc}"[:500]
        async with ctx.db.transaction() as session:
            lease = await session.get(JobLease, item.name)
            assert lease is not None
            lease.lease_until, lease.last_run_at, lease.last_result = None, ctx.now, result
            session.add(lease)
        results[item.name] = result
    return results
