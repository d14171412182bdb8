"""The background loop: sends queued mail and runs scheduled jobs.

It runs inside the web process by default (MAIL_WORKER=1) and alone as `civic mail worker` when a
deployment scales out; several copies are safe together (leases on mail rows and on jobs).
"""

from __future__ import annotations

import logging
from datetime import datetime

import anyio

from civic.config import Settings
from civic.core.clock import Clock
from civic.core.db import Database
from civic.core.jobs import JobContext, run_due_jobs
from civic.core.mailer import MailWorker
from civic.core.outbox import Mail

log = logging.getLogger("civic.worker")
MAIL_PAUSE_SECONDS = 2.0
JOBS_EVERY_SECONDS = 30.0


class Worker:
    def __init__(self, db: Database, settings: Settings, clock: Clock, mail: Mail) -> None:
        self.db, self.settings, self.clock, self.mail = db, settings, clock, mail
        self.mailer = MailWorker(db, settings)
        self._last_jobs: float = 0.0

    async def pass_once(self, now: datetime | None = None) -> int:
        """One round of mail; returns how many messages were claimed."""
        return await self.mailer.run_once(now or self.clock.now())

    async def jobs_once(self, *, force: bool = False) -> dict[str, str]:
        ctx = JobContext(db=self.db, settings=self.settings, now=self.clock.now(), mail=self.mail)
        return await run_due_jobs(ctx, force=force)

    async def run_forever(self) -> None:
        while True:
            try:
                claimed = await self.pass_once()
                if anyio.current_time() - self._last_jobs >= JOBS_EVERY_SECONDS:
                    self._last_jobs = anyio.current_time()
                    await self.jobs_once()
            except Exception:
                log.exception("worker pass failed; carrying on")
                claimed = 0
            if claimed < self.settings.mail_batch_size:
                await anyio.sleep(MAIL_PAUSE_SECONDS)
