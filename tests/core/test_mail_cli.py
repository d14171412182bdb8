"""`civic mail status` and `civic mail retry-failed`, run in-process against the test database."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from civic.cli import main
from civic.core.db import Database
from civic.core.outbox import OutboxMessage, OutboxStatus


def add_rows(database_url: str, *rows: dict[str, object]) -> None:
    async def insert() -> None:
        db = Database(database_url)
        now = datetime.now(UTC)
        async with db.transaction() as session:
            for values in rows:
                fields = {"created_at": now, "to_address": "r@example.org", "subject": "S", "body_text": "B"}
                session.add(OutboxMessage(**{"next_attempt_at": now, **fields, **values}))
        await db.dispose()

    asyncio.run(insert())


def statuses(database_url: str) -> list[OutboxStatus]:
    async def read() -> list[OutboxStatus]:
        db = Database(database_url)
        async with db.reading() as session:
            found = [row.status for row in (await session.exec(OutboxMessage.__table__.select())).all()]  # type: ignore[attr-defined]
        await db.dispose()
        return found

    return asyncio.run(read())


@pytest.fixture
def cli_db(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("ENVIRONMENT", "development")
    return database_url


def test_status_reports_queued_retrying_failed_and_the_last_error(
    cli_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["mail", "status"]) == 0
    assert "Queued: 0 (0 not yet accepted" in capsys.readouterr().out
    now = datetime.now(UTC)
    add_rows(
        cli_db,
        {},
        {"last_error": "connection: refused", "last_attempt_at": now - timedelta(minutes=5)},
        {"status": OutboxStatus.FAILED, "last_error": "550 No such user", "last_attempt_at": now},
    )
    assert main(["mail", "status"]) == 1  # not healthy: a script or monitor can act on it
    out = capsys.readouterr().out
    assert "Queued: 2 (1 not yet accepted by the mail server)" in out
    assert "Failed: 1" in out
    assert "Last error: 550 No such user" in out


def test_retry_failed_since_requeues_only_what_failed_from_then(
    cli_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now(UTC)
    add_rows(
        cli_db,
        {"status": OutboxStatus.FAILED, "last_attempt_at": now - timedelta(days=10)},
        {"status": OutboxStatus.FAILED, "last_attempt_at": now - timedelta(hours=2)},
    )
    since = (now - timedelta(days=1)).strftime("%Y-%m-%d")
    assert main(["mail", "retry-failed", "--since", since]) == 0
    assert "Requeued 1 failed messages." in capsys.readouterr().out
    assert sorted(statuses(cli_db)) == [OutboxStatus.FAILED, OutboxStatus.PENDING]
    assert main(["mail", "retry-failed"]) == 0
    assert "Requeued 1 failed messages." in capsys.readouterr().out
    assert statuses(cli_db) == [OutboxStatus.PENDING, OutboxStatus.PENDING]


def test_retry_failed_refuses_a_since_that_is_not_a_date(
    cli_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["mail", "retry-failed", "--since", "last tuesday"])
    assert exit_info.value.code == 2
    assert "not a date or date-time" in capsys.readouterr().err
