"""Database engines and transactions.

SQLite (the default) runs in WAL mode with a busy timeout. Its write transactions start with
`BEGIN IMMEDIATE`: a deferred transaction that later tries to write fails with "database is locked"
instead of waiting, so writers must take the lock up front.
Within one process, write transactions also queue on an asyncio lock (`WriteGate`) before they ask
SQLite for its lock: SQLite's busy handler polls with growing sleeps and serves no one in order, so
under a burst of a few hundred writers some waited past the busy timeout and failed while others were
served many times over. The gate serves them first come, first served; the busy timeout is left for
the other processes (the mail worker, the CLI).
Reads use a second engine whose transactions begin deferred, so readers never queue behind writers.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol
from weakref import WeakKeyDictionary

from sqlalchemy import DateTime, Enum, MetaData, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect, Result
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.sql.base import Executable
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import HTTPConnection

from civic.core.state import state

# Named constraints let Alembic alter SQLite tables in batch mode and keep names equal on both engines.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata

SQLITE_BUSY_TIMEOUT_MS = 10_000


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC without a zone (SQLite has none) and always hands back an aware UTC datetime."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def str_enum(enum_class: type[StrEnum], length: int = 24) -> Enum:
    """Store a StrEnum as its value in a plain VARCHAR (no database enum type to migrate later)."""
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class HasId(Protocol):
    """A table row: its id is None until the row is flushed."""

    @property
    def id(self) -> int | None: ...


def row_id(row: HasId) -> int:
    """The id of a row that has been flushed or loaded. Every service and handler reads a row's id
    here (never `.id or 0`, which would quietly point at no row); a row that was never flushed has
    no id yet, which is a bug in the caller, so it raises instead of guessing."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet; flush it first")
    return row.id


def is_sqlite_url(url: str) -> bool:
    return url.startswith("sqlite")


def _install_sqlite_hooks(engine: AsyncEngine, begin: str) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy's "begin" hook below instead of pysqlite's own.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(conn: Any) -> None:
        conn.exec_driver_sql(begin)


# True inside a gated write transaction, and in every task started from inside one (tasks copy the
# context): such a transaction is nested, and waiting on the gate its own caller holds would never end.
_INSIDE_WRITE = ContextVar("civic_inside_sqlite_write", default=False)


class WriteGate:
    """One in-process SQLite write transaction at a time, first come, first served.

    A lock per event loop, because an asyncio.Lock belongs to the loop it first waits on (tests and the
    CLI run one loop after another). A nested write transaction passes straight through to SQLite's
    busy timeout, which is what it met before the gate existed."""

    def __init__(self) -> None:
        self._locks: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = WeakKeyDictionary()

    @asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        if _INSIDE_WRITE.get():
            yield
            return
        lock = self._locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())
        async with lock:
            inside = _INSIDE_WRITE.set(True)
            try:
                yield
            finally:
                _INSIDE_WRITE.reset(inside)


class Database:
    """A write engine and a read engine (the same one on PostgreSQL) with their session factories."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = is_sqlite_url(url)
        if self.is_sqlite:
            self.write_engine = create_async_engine(url, echo=echo, pool_size=8, max_overflow=32)
            self.read_engine = create_async_engine(url, echo=echo, pool_size=8, max_overflow=32)
            _install_sqlite_hooks(self.write_engine, "BEGIN IMMEDIATE")
            _install_sqlite_hooks(self.read_engine, "BEGIN")
        else:
            self.write_engine = create_async_engine(url, echo=echo, pool_size=10, max_overflow=20)
            self.read_engine = self.write_engine
        self._gate = WriteGate() if self.is_sqlite else None
        self._writes = async_sessionmaker(self.write_engine, class_=AsyncSession, expire_on_commit=False)
        self._reads = async_sessionmaker(self.read_engine, class_=AsyncSession, expire_on_commit=False)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A write transaction: committed when the block ends, rolled back if it raises."""
        if self._gate is None:
            async with self._writes() as session, session.begin():
                yield session
            return
        async with self._gate.held(), self._writes() as session, session.begin():
            yield session

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A read-only unit of work; never holds SQLite's write lock."""
        async with self._reads() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            await self.read_engine.dispose()


async def run_sql(
    session: AsyncSession, statement: Executable, params: dict[str, Any] | None = None
) -> Result[Any]:
    """Run a Core statement or `text()` in the session's transaction (sqlmodel deprecates
    `session.execute` for ORM selects; this is for everything that is not one)."""
    connection = await session.connection()
    return await connection.execute(statement, params or {})


async def insert_or_ignore(session: AsyncSession, model: type[SQLModel], values: dict[str, Any]) -> bool:
    """`INSERT ... ON CONFLICT DO NOTHING` on either engine; True when a row was inserted.

    With a unique constraint this gives exactly one row per key under any number of concurrent
    attempts, and no error for the losers."""
    insert = pg_insert if await dialect_name(session) == "postgresql" else sqlite_insert
    table = model.__table__  # type: ignore[attr-defined]
    result = await run_sql(session, insert(table).values(**values).on_conflict_do_nothing())
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def dialect_name(session: AsyncSession) -> str:
    """ "sqlite" or "postgresql", for the few statements that differ (upserts, locks)."""
    connection = await session.connection()
    return connection.dialect.name


def database(conn: HTTPConnection) -> Database:
    return state(conn).db


def transaction(conn: HTTPConnection) -> Any:
    """`async with transaction(request) as session:` — the handler owns the transaction."""
    return database(conn).transaction()


def reading(conn: HTTPConnection) -> Any:
    return database(conn).reading()
