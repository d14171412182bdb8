"""Backups that restore: a consistent copy of a running database, and putting one back.

SQLite uses its online backup API, which copies the pages of one read transaction: the copy is the
database at one instant even while the app writes. A file copy of a live WAL database can miss what
the WAL still holds, or mix two instants. PostgreSQL uses `pg_dump`'s custom format and `pg_restore`;
a `pg_dump` older than the server's major version refuses to run or cannot read the catalogue, so that
is checked first and named.

Restoring refuses a database that holds any row unless forced: restoring over live data loses it.
The app should be stopped while a restore runs.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, inspect, select, table
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
# Alembic's bookkeeping is the same in every migrated database: it says nothing about data.
NOT_DATA = frozenset({"alembic_version"})
# Rows that migrating an empty database creates by itself: the council's answering body, so that
# petitions have someone to answer them from day one. A table holds data when it has more than these.
SEEDED_ROWS = {"response_body": 1}


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason an operator can act on."""


@dataclass(frozen=True)
class Backup:
    path: Path
    bytes: int
    rows: dict[str, int]


async def row_counts(url: str) -> dict[str, int]:
    """Rows per table (Alembic's own table left out): what a restored copy must match."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
            counts: dict[str, int] = {}
            for name in sorted(set(names) - NOT_DATA):
                counts[name] = (
                    await conn.execute(select(func.count()).select_from(table(name)))
                ).scalar_one()
    finally:
        await engine.dispose()
    return counts


async def backup(url: str, target: Path) -> Backup:
    """Write a consistent backup of the database at `url` to `target` (refusing to overwrite)."""
    size = await asyncio.to_thread(_write_backup, make_url(url), target)
    return Backup(path=target, bytes=size, rows=await _rows_in(target, url))


def _write_backup(url: URL, target: Path) -> int:
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        _sqlite_backup(_sqlite_path(url), target)
    else:
        _pg_dump(url, target)
    return target.stat().st_size


async def restore(url: str, source: Path, *, force: bool = False) -> dict[str, int]:
    """Put the backup `source` into the database at `url`; returns the restored row counts."""
    parsed = make_url(url)
    await asyncio.to_thread(_check_kind, source, sqlite=parsed.get_backend_name() == "sqlite")
    if not force:
        await _refuse_if_holding_data(url)
    await asyncio.to_thread(_put_back, parsed, source)
    return await row_counts(url)


def _put_back(url: URL, source: Path) -> None:
    if url.get_backend_name() == "sqlite":
        _sqlite_restore(source, _sqlite_path(url))
    else:
        _pg_restore(url, source)


async def _refuse_if_holding_data(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not await asyncio.to_thread(_sqlite_path(parsed).exists):
        return  # a new file: nothing to lose
    try:
        counts = await row_counts(url)
    except Exception as exc:
        raise BackupError(f"cannot read the target database: {exc}") from exc
    holding = [name for name, rows in counts.items() if rows > SEEDED_ROWS.get(name, 0)]
    if holding:
        raise BackupError(
            f"the target database holds data ({', '.join(holding[:5])}"
            f"{', ...' if len(holding) > 5 else ''}); restore into an empty database, "
            "or pass --force to replace what it holds"
        )


async def _rows_in(backup_file: Path, url: str) -> dict[str, int]:
    """Row counts of a SQLite backup read from the file itself; for pg_dump, of the source."""
    if make_url(url).get_backend_name() == "sqlite":
        return await row_counts(f"sqlite+aiosqlite:///{backup_file}")
    return await row_counts(url)


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _sqlite_backup(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)  # all pages in one step: one read transaction, one instant


def _sqlite_restore(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as src:
        if src.execute("PRAGMA integrity_check").fetchone() != ("ok",):
            raise BackupError(f"{source} fails SQLite's integrity check; it cannot be restored")
        target.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(target)) as dst:
            src.backup(dst)  # replaces every page of the target


def _check_kind(source: Path, *, sqlite: bool) -> None:
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    with source.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if sqlite and not head.startswith(SQLITE_MAGIC):
        raise BackupError(
            f"{source} is not a SQLite backup (a PostgreSQL dump restores only into PostgreSQL)"
        )
    if not sqlite and not head.startswith(PGDUMP_MAGIC):
        raise BackupError(
            f"{source} is not a pg_dump custom-format file (a SQLite backup restores only into SQLite)"
        )


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The URL as libpq reads it, with the password in the environment rather than on the command
    line (where other users of the machine could read it)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed; install PostgreSQL's client programs (postgresql-client)"
        )
    return found


def _major(version_text: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", version_text)
    if match is None:
        raise BackupError(f"cannot read a version from {version_text!r}")
    return int(match.group(1))


def _server_major(dsn: str, env: dict[str, str]) -> int:
    psql = _tool("psql")
    shown = _run([psql, "--no-psqlrc", "-At", "-c", "SHOW server_version_num", dsn], env)
    return int(shown.strip()) // 10000


def _pg_dump(url: URL, target: Path) -> None:
    dsn, env = _libpq(url)
    pg_dump = _tool("pg_dump")
    client = _major(_run([pg_dump, "--version"], env))
    server = _server_major(dsn, env)
    if client < server:
        raise BackupError(
            f"pg_dump {client} is older than the server (PostgreSQL {server}); "
            f"install postgresql-client-{server} and try again"
        )
    _run([pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", dsn], env)


def _pg_restore(url: URL, source: Path) -> None:
    dsn, env = _libpq(url)
    _run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={dsn}",
            str(source),
        ],
        env,
    )


def _run(argv: list[str], env: dict[str, str]) -> str:
    # argv is built here from a fixed program and the configured database URL, never from a request.
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(argv[0]).name} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


BACKUP_NAME = "civic-%Y%m%d-%H%M%S.db"
BACKUP_GLOB = "civic-*.db"


async def scheduled_backup(url: str, folder: Path, *, now: datetime, every: timedelta, keep: int) -> str:
    """For the embedded SQLite default: a backup into `folder` when the newest there is older than
    `every`, keeping the newest `keep`. Runs from an hourly job, so a restart never skips one and
    the spacing holds however often the job itself runs."""
    if make_url(url).get_backend_name() != "sqlite":
        return "scheduled backups are for SQLite; back up PostgreSQL with pg_dump on the server's schedule"
    existing = await asyncio.to_thread(_backups_in, folder)
    newest = existing[-1] if existing else None
    if newest is not None and now - _taken_at(newest) < every:
        return f"newest backup {newest.name} is recent enough"
    made = await backup(url, folder / now.strftime(BACKUP_NAME))
    removed = await asyncio.to_thread(_prune, folder, keep)
    return f"backed up to {made.path.name}; removed {removed} older backup(s)"


def _backups_in(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return sorted(folder.glob(BACKUP_GLOB))  # the names sort in time order


def _taken_at(path: Path) -> datetime:
    return datetime.strptime(path.name, BACKUP_NAME).replace(tzinfo=UTC)


def _prune(folder: Path, keep: int) -> int:
    old = _backups_in(folder)[:-keep]
    for path in old:
        path.unlink()
    return len(old)
