"""`civic backup`, `civic restore` and `civic migrate --check`, run in-process as an operator would."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from civic.cli import main
from civic.commands import alembic_config
from civic.core.backup import row_counts
from civic.core.db import Database, run_sql
from tests.conftest import run_in_thread
from tests.core.test_backup import empty_database
from tests.support.postgres import PostgresServer


def test_backup_then_restore_into_an_empty_database(
    cli_env: str,
    tmp_path: Path,
    postgres: PostgresServer | None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo", "load"]) == 0
    backup_file = tmp_path / "nightly.backup"
    assert main(["backup", str(backup_file)]) == 0
    assert f"to {backup_file}" in capsys.readouterr().out
    assert main(["backup", str(backup_file)]) == 1
    assert "already exists" in capsys.readouterr().out

    target = empty_database(postgres, tmp_path)
    monkeypatch.setenv("DATABASE_URL", target)
    assert main(["restore", str(backup_file)]) == 0
    assert "then civic audit verify" in capsys.readouterr().out
    assert asyncio.run(row_counts(target)) == asyncio.run(row_counts(cli_env))
    assert main(["audit", "verify"]) == 0
    assert main(["restore", str(backup_file)]) == 1
    assert "holds data" in capsys.readouterr().out
    assert main(["restore", str(backup_file), "--force"]) == 0


def test_migrate_check_says_whether_the_database_is_behind(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate", "--check"]) == 0
    assert capsys.readouterr().out.startswith("Database is up to date: at ")

    # As after installing newer code: the database is one migration behind it.
    run_in_thread(command.downgrade, alembic_config(cli_env), "-1")
    behind = asyncio.run(revision(cli_env))
    assert main(["migrate", "--check"]) == 1
    assert f"Database needs migrating: database at {behind}, code needs " in capsys.readouterr().out
    assert main(["migrate"]) == 0
    assert main(["migrate", "--check"]) == 0


async def revision(url: str) -> str:
    db = Database(url)
    try:
        async with db.reading() as session:
            return str((await run_sql(session, text("SELECT version_num FROM alembic_version"))).scalar_one())
    finally:
        await db.dispose()
