"""`civic backup`, `civic restore` and `civic migrate --check`: what an IT team runs around upgrades."""

from __future__ import annotations

import argparse
from pathlib import Path

from civic.config import Settings
from civic.core.backup import BackupError, backup, restore
from civic.core.readiness import schema_check


def add_arguments(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    made = sub.add_parser("backup", help="write a consistent backup of the running database to FILE")
    made.add_argument("file", type=Path)
    back = sub.add_parser("restore", help="restore FILE (from civic backup) into an empty database")
    back.add_argument("file", type=Path)
    back.add_argument("--force", action="store_true", help="replace what the database holds")


async def backup_command(args: argparse.Namespace, settings: Settings) -> int:
    try:
        made = await backup(settings.database_url, args.file)
    except BackupError as exc:
        print(f"civic backup: {exc}")
        return 1
    print(
        f"Backed up {sum(made.rows.values())} rows in {len(made.rows)} tables to {made.path} ({made.bytes:,} bytes)."
    )
    return 0


async def restore_command(args: argparse.Namespace, settings: Settings) -> int:
    try:
        rows = await restore(settings.database_url, args.file, force=args.force)
    except BackupError as exc:
        print(f"civic restore: {exc}")
        return 1
    print(f"Restored {sum(rows.values())} rows in {len(rows)} tables from {args.file}.")
    print("Next: civic migrate (if this code is newer than the backup), then civic audit verify.")
    return 0


async def migrate_check(settings: Settings) -> int:
    """Exit 0 when the database is at the code's revision, 1 when it is behind (or ahead of) it."""
    check = await schema_check(settings.database_url)
    print(("Database is up to date: " if check.ok else "Database needs migrating: ") + check.detail)
    return 0 if check.ok else 1


HANDLERS = {"backup": backup_command, "restore": restore_command}
