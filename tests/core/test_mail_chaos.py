"""Chaos: a real `civic mail worker` process is killed with SIGKILL in the middle of a batch, again and
again, and restarted. Every message still reaches the real SMTP server, and each exactly once except at
most the one that was in flight at each kill."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from civic.core.outbox import OutboxStatus
from civic.core.state import app_state
from tests.conftest import ENGINE, SECRET
from tests.core.test_outbox import rows
from tests.support.smtp import SmtpServer

MESSAGES = 60
KILL_AFTER = (10, 25, 40)  # messages received by the server before each kill
DEADLINE_SECONDS = 180  # a guard against hanging, not a speed target
ROOT = Path(__file__).resolve().parents[2]


class SlowRecorder:
    """Accepts each message after a short pause, so a kill lands while a batch is being sent."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server
        self.original = server.recorder.handle_DATA

    async def handle_DATA(self, smtp: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        await asyncio.sleep(0.03)
        return await self.original(smtp, session, envelope)


def start_worker(database_url: str, smtp: SmtpServer, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SMTP_URL": smtp.url,
        "SECRET_KEY": SECRET,
        "ENVIRONMENT": "test",
        "MAIL_LEASE_SECONDS": "2",
        "MAIL_BATCH_SIZE": "50",
        "LOG_LEVEL": "ERROR",
    }
    with log.open("ab") as errors:
        return subprocess.Popen(
            [sys.executable, "-m", "civic.cli", "mail", "worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )


async def wait_for(condition: Any, worker: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if worker.poll() is not None:
            pytest.fail(f"the mail worker exited: {log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail("the mail worker made no progress")
        await asyncio.sleep(0.01)


async def test_killing_the_worker_mid_batch_repeats_at_most_the_message_in_flight(
    mail_app: Any, smtp: SmtpServer, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    slow = SlowRecorder(smtp)
    smtp.recorder.handle_DATA = slow.handle_DATA  # type: ignore[method-assign]
    now = datetime.now(UTC)  # the worker process runs on the real clock
    async with app_state(mail_app).db.transaction() as session:
        for n in range(MESSAGES):
            await app_state(mail_app).mail.enqueue(
                session,
                to=f"r{n:02d}@example.org",
                template="mail_check",
                context={"name": "R", "link": "/"},
                now=now,
            )
    log = tmp_path / "worker.log"
    kills = 0
    for target in KILL_AFTER:
        worker = start_worker(database_url, smtp, log)
        await wait_for(lambda target=target: len(smtp.messages) >= target, worker, log)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        kills += 1
    worker = start_worker(database_url, smtp, log)
    try:
        await wait_for(lambda: len({m["To"] for m in smtp.messages}) == MESSAGES, worker, log)
        await asyncio.sleep(1)  # anything still to come (a repeat) would arrive now
    finally:
        worker.terminate()
        worker.wait()
    received = Counter(str(m["To"]) for m in smtp.messages)
    duplicates = sum(count - 1 for count in received.values())
    lost = MESSAGES - len(received)
    with capsys.disabled():
        print(
            f"\nmail chaos ({ENGINE}): {MESSAGES} messages, {kills} kills mid-batch, "
            f"{sum(received.values())} delivered, {duplicates} duplicates, {lost} lost"
        )
    assert lost == 0
    assert duplicates <= kills
    assert all(row.status == OutboxStatus.SENT for row in await rows(mail_app))
