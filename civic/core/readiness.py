"""Is this deployment ready to serve residents? The checks behind `/readyz`.

`/healthz` only says the process answers. `/readyz` also asks the database for an answer, compares
its schema revision with the code's (a forgotten `civic migrate` after an upgrade shows here and not
as errors on some pages), and looks at the outbox: mail queued longer than
`READY_OUTBOX_MAX_AGE_MINUTES` means the worker is down or the mail server refuses us, and residents
are not getting their confirmation links.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from sqlalchemy import func, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import col, select

from civic.core.db import Database, run_sql
from civic.core.outbox import OutboxMessage, OutboxStatus

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
# Reading it also proves the database answers.
REVISION = text("SELECT version_num FROM alembic_version")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@cache
def code_revision() -> str:
    """The head revision of the migrations shipped with this code (read once per process)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    heads = ScriptDirectory.from_config(config).get_heads()
    return ",".join(sorted(heads))


async def readiness(db: Database, *, now: datetime, outbox_max_age: timedelta) -> list[Check]:
    try:
        async with db.reading() as session:
            revision = (await run_sql(session, REVISION)).scalars().all()
            oldest = (
                await session.exec(
                    select(func.min(OutboxMessage.created_at)).where(
                        col(OutboxMessage.status) == OutboxStatus.PENDING
                    )
                )
            ).one()
    except Exception as exc:  # any failure to read is the answer: not ready
        return [Check("database", False, f"the database did not answer ({type(exc).__name__})")]
    return [
        Check("database", True, "answers"),
        _schema(",".join(sorted(revision))),
        _outbox(oldest, now, outbox_max_age),
    ]


async def schema_check(url: str) -> Check:
    """The migrations check on its own, for `civic migrate --check` (no app, no pool)."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            try:
                found = (await conn.execute(REVISION)).scalars().all()
            except Exception:  # no alembic_version table: a database never migrated
                found = []
    finally:
        await engine.dispose()
    return _schema(",".join(sorted(found)))


def _schema(found: str) -> Check:
    expected = code_revision()
    if found == expected:
        return Check("migrations", True, f"at {expected}")
    return Check(
        "migrations", False, f"database at {found or 'no revision'}, code needs {expected}: run civic migrate"
    )


def _outbox(oldest: datetime | None, now: datetime, limit: timedelta) -> Check:
    if oldest is None:
        return Check("outbox", True, "nothing waiting")
    age = now - oldest
    minutes = int(age.total_seconds() // 60)
    if age <= limit:
        return Check("outbox", True, f"oldest waiting {minutes} min")
    return Check(
        "outbox", False, f"oldest message waiting {minutes} min (limit {int(limit.total_seconds() // 60)})"
    )
