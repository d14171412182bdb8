from __future__ import annotations

from datetime import timedelta

from civic.core.clock import FrozenClock
from civic.core.db import Database
from civic.core.jobs import REGISTRY, Job, JobContext, run_due_jobs


async def test_jobs_run_when_due_and_only_once_per_interval(db: Database, clock: FrozenClock) -> None:
    runs: list[str] = []

    async def count(ctx: JobContext) -> str:
        runs.append(ctx.now.isoformat())
        return "ok"

    saved = dict(REGISTRY)
    REGISTRY.clear()
    REGISTRY["test.count"] = Job("test.count", timedelta(hours=1), count)
    try:
        ctx = JobContext(db=db, settings=None, now=clock.now(), mail=None)  # type: ignore[arg-type]
        assert await run_due_jobs(ctx) == {"test.count": "ok"}
        assert await run_due_jobs(ctx) == {}
        later = JobContext(db=db, settings=None, now=clock.now() + timedelta(hours=1), mail=None)  # type: ignore[arg-type]
        assert await run_due_jobs(later) == {"test.count": "ok"}
        assert await run_due_jobs(ctx, force=True) == {"test.count": "ok"}
        assert len(runs) == 3
    finally:
        REGISTRY.clear()
        REGISTRY.update(saved)


async def test_a_failing_job_is_recorded_and_does_not_stop_the_others(
    db: Database, clock: FrozenClock
) -> None:
    async def broken(ctx: JobContext) -> str:
        raise RuntimeError("disk full")

    async def fine(ctx: JobContext) -> str:
        return "done"

    saved = dict(REGISTRY)
    REGISTRY.clear()
    REGISTRY["a.broken"] = Job("a.broken", timedelta(hours=1), broken)
    REGISTRY["b.fine"] = Job("b.fine", timedelta(hours=1), fine)
    try:
        ctx = JobContext(db=db, settings=None, now=clock.now(), mail=None)  # type: ignore[arg-type]
        assert await run_due_jobs(ctx) == {"a.broken": "failed: disk full", "b.fine": "done"}
    finally:
        REGISTRY.clear()
        REGISTRY.update(saved)
