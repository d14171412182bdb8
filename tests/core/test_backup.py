"""`civic backup` / `civic restore` on the engine under test: a backup of the demo council restores
into an empty database with the same rows and an audit chain that still verifies; a database holding
data is not overwritten unless forced; the wrong kind of file and an old pg_dump are named clearly."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from civic.commands import upgrade
from civic.core import audit
from civic.core.audit import AuditEntry
from civic.core.backup import BackupError, backup, restore, row_counts
from civic.core.db import Database
from civic.demo import load_demo
from tests.conftest import ENGINE, make_settings, run_in_thread
from tests.support.postgres import PostgresServer

_names = itertools.count()


def empty_database(postgres: PostgresServer | None, tmp_path: Path, *, migrated: bool = True) -> str:
    if postgres is not None:
        url = postgres.create_database(f"civic_restore_{os.getpid()}_{next(_names)}")
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / f'restore{next(_names)}.db'}"
    if migrated:
        run_in_thread(upgrade, url)
    return url


@pytest.fixture
async def demo_url(postgres: PostgresServer | None, tmp_path: Path) -> str:
    url = empty_database(postgres, tmp_path)
    await load_demo(make_settings(url))
    return url


async def audit_report(url: str) -> audit.ChainReport:
    db = Database(url)
    try:
        async with db.reading() as session:
            return await audit.verify_chain(session)
    finally:
        await db.dispose()


async def test_a_backup_restores_every_row_and_the_audit_chain(
    demo_url: str, postgres: PostgresServer | None, tmp_path: Path
) -> None:
    made = await backup(demo_url, tmp_path / "civic.backup")
    source = await row_counts(demo_url)
    assert made.rows == source and made.bytes > 0
    assert sum(source.values()) > 100, "the demo council should fill many rows"

    for migrated in (True, False):  # a migrated but empty database, and one with no tables at all
        target = empty_database(postgres, tmp_path, migrated=migrated)
        assert await restore(target, made.path) == source
        report = await audit_report(target)
        assert report.ok and report.checked == source[AuditEntry.__tablename__] > 0


async def test_restore_refuses_a_database_that_holds_data_unless_forced(
    demo_url: str, postgres: PostgresServer | None, tmp_path: Path
) -> None:
    made = await backup(demo_url, tmp_path / "civic.backup")
    target = empty_database(postgres, tmp_path)
    await load_demo(make_settings(target))
    with pytest.raises(BackupError, match="holds data"):
        await restore(target, made.path)
    assert await restore(target, made.path, force=True) == await row_counts(demo_url)


async def test_a_backup_never_overwrites_a_file(demo_url: str, tmp_path: Path) -> None:
    existing = tmp_path / "keep.backup"
    existing.write_bytes(b"precious")
    with pytest.raises(BackupError, match="already exists"):
        await backup(demo_url, existing)
    assert existing.read_bytes() == b"precious"


async def test_the_wrong_kind_of_file_is_named(
    demo_url: str, postgres: PostgresServer | None, tmp_path: Path
) -> None:
    wrong = tmp_path / "wrong.backup"
    wrong.write_bytes(b"PGDMP not really" if postgres is None else b"SQLite format 3\x00 not really")
    with pytest.raises(BackupError, match="is not a"):
        await restore(empty_database(postgres, tmp_path), wrong)
    with pytest.raises(BackupError, match="is not a file"):
        await restore(demo_url, tmp_path / "missing.backup")


# pg_dump is PostgreSQL's own; the SQLite engine uses the online backup API, so this test exists
# only in the PostgreSQL suite (defined, not skipped, so no suite reports a skip).
if ENGINE == "postgresql":

    async def test_an_older_pg_dump_than_the_server_is_refused(
        demo_url: str, postgres: PostgresServer | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        assert postgres is not None
        old = tmp_path / "bin"
        old.mkdir()
        fake = old / "pg_dump"
        fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
        fake.chmod(0o755)
        psql = Path(postgres.bin) / "psql"
        (old / "psql").symlink_to(psql)
        monkeypatch.setenv("PATH", f"{old}{os.pathsep}{os.environ['PATH']}")
        with pytest.raises(BackupError, match=r"pg_dump 9 is older than the server \(PostgreSQL \d+\)"):
            await backup(demo_url, tmp_path / "old.backup")
        assert not (tmp_path / "old.backup").exists()


async def test_the_scheduled_backup_keeps_the_newest_few(
    database_url: str, postgres: PostgresServer | None, tmp_path: Path
) -> None:
    from datetime import UTC, datetime, timedelta

    from civic.core.jobs import JobContext
    from civic.site.jobs import backup_sqlite

    folder = tmp_path / "backups"
    settings = make_settings(database_url, backup_dir=str(folder), backup_every_hours=24, backup_keep=2)
    db = Database(database_url)
    start = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)

    async def run(hours: float) -> str:
        ctx = JobContext(db=db, settings=settings, now=start + timedelta(hours=hours), mail=None)
        return await backup_sqlite(ctx)

    try:
        if postgres is not None:
            assert (await run(0)).startswith("scheduled backups are for SQLite")
            assert not folder.exists()
            return
        assert await run(0) == "backed up to civic-20261201-020000.db; removed 0 older backup(s)"
        assert await run(1) == "newest backup civic-20261201-020000.db is recent enough"
        assert (await run(24)).startswith("backed up to civic-20261202-020000.db")
        assert await run(49) == "backed up to civic-20261203-030000.db; removed 1 older backup(s)"
        assert sorted(p.name for p in folder.iterdir()) == [
            "civic-20261202-020000.db",
            "civic-20261203-030000.db",
        ]
        restored = empty_database(None, tmp_path, migrated=False)
        assert await restore(restored, folder / "civic-20261203-030000.db") == await row_counts(database_url)
        no_folder = make_settings(database_url)
        assert (
            await backup_sqlite(JobContext(db=db, settings=no_folder, now=start, mail=None))
            == "BACKUP_DIR is not set"
        )
    finally:
        await db.dispose()
