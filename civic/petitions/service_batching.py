"""Group commit for signatures.

Under load, one transaction per signature spends most of its time waiting for SQLite's single write
lock (or PostgreSQL's commit flush). Instead each process queues sign requests and one writer task
stores whatever has queued up in one transaction: one rate-limit upsert for all the batch's keys, one
multi-row INSERT ... ON CONFLICT DO NOTHING RETURNING for the signatures, one insert for their
confirmation emails. A request is acknowledged only after its batch has committed. Nothing is kept
between batches; the writer task exits when the queue is empty.

A batch never fails for one member: when its transaction fails, each member is retried alone in a
transaction of its own, so the others are stored and answered and only the bad one gets an error. The
happy path is untouched (one transaction per batch).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

import anyio
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.db import Database, dialect_name, row_id
from civic.core.errors import Refused
from civic.core.outbox import Mail, OutboxMessage
from civic.core.ratelimit import RateCounter
from civic.petitions.models import Petition, Signature, SignatureState
from civic.petitions.notify_sign import Draft, draft_confirmation, outbox_row, render_text
from civic.petitions.policy import Policy
from civic.petitions.service import confirm_token

MAX_BATCH = 200
log = logging.getLogger("civic.petitions.service_batching")


@dataclass(frozen=True)
class SignRequest:
    petition: Petition
    name: str
    email: str
    canonical: str
    postcode: str
    ward_code: str
    notify: bool
    ip: str
    # The confirmation email, rendered before the request joins a batch (see notify_sign.py); drafted
    # inside the transaction when missing.
    draft: Draft | None = None
    lang: str = "en"  # the language the signer used: their signature keeps it for later emails

    @property
    def key(self) -> tuple[int, str]:
        return (row_id(self.petition), self.canonical)


async def _suspects(
    session: AsyncSession, batch: list[SignRequest], now: datetime, policy: Policy
) -> list[bool]:
    """Rate limits per IP per petition (burst and sustained), counted for the whole batch in one upsert
    on the core rate_counter table (same keys and windows as civic.core.ratelimit.hit)."""
    wanted: Counter[tuple[str, int]] = Counter()
    for item in batch:
        for limit in policy.sign_limits:
            wanted[(f"petitions:sign:{item.petition.id}:{item.ip}|{limit.seconds}", limit.seconds)] += 1
    insert = pg_insert if await dialect_name(session) == "postgresql" else sqlite_insert
    table = RateCounter.__table__  # type: ignore[attr-defined]
    rows = [
        {"key": key, "window_start": _window(now, seconds), "window_seconds": seconds, "hits": n}
        for (key, seconds), n in sorted(wanted.items())
    ]
    values = insert(table)
    statement = values.on_conflict_do_update(
        index_elements=["key", "window_start"], set_={"hits": table.c.hits + values.excluded.hits}
    ).returning(table.c.key, table.c.hits)
    returned = await _execute_many(session, statement, rows)
    totals = {str(row[0]): int(row[1]) for row in returned}
    seen: Counter[str] = Counter()
    suspects = []
    for item in batch:
        over = False
        for limit in policy.sign_limits:
            key = f"petitions:sign:{item.petition.id}:{item.ip}|{limit.seconds}"
            seen[key] += 1
            position = totals[key] - wanted[(key, limit.seconds)] + seen[key]
            over = over or position > limit.count
        suspects.append(over)
    return suspects


async def _execute_many(session: AsyncSession, statement: Any, rows: list[dict[str, Any]]) -> list[Any]:
    """executemany: SQLAlchemy's "insertmanyvalues" sends few multi-row statements with one cached
    compilation, and collects RETURNING rows (only those actually inserted or updated)."""
    connection = await session.connection()
    result = await connection.execute(statement, rows)
    return list(result.all()) if result.returns_rows else []


def _window(now: datetime, seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=now.tzinfo)


async def sign_many(
    session: AsyncSession, batch: list[SignRequest], *, now: datetime, policy: Policy, mail: Mail
) -> list[bool]:
    """Store each new signature once and queue its confirmation email; repeats (in the database or
    earlier in the batch) get an "already signed" email instead. Returns, per request, whether it
    stored a new signature."""
    suspects = await _suspects(session, batch, now, policy)
    firsts: dict[tuple[int, str], int] = {}
    for index, item in enumerate(batch):
        firsts.setdefault(item.key, index)
    table = Signature.__table__  # type: ignore[attr-defined]
    insert = pg_insert if await dialect_name(session) == "postgresql" else sqlite_insert
    rows = [_signature_row(batch[i], suspects[i], now) for i in firsts.values()]
    statement = (
        insert(table)
        .on_conflict_do_nothing(index_elements=["petition_id", "email_canonical"])
        .returning(table.c.id, table.c.petition_id, table.c.email_canonical)
    )
    returned = await _execute_many(session, statement, rows)
    inserted = {(int(row[1]), str(row[2])): int(row[0]) for row in returned}
    new = [firsts[item.key] == index and item.key in inserted for index, item in enumerate(batch)]
    messages = [
        _confirmation(mail, item, inserted[item.key], now, policy)
        for item, is_new in zip(batch, new, strict=True)
        if is_new
    ]
    if messages:
        await _execute_many(session, OutboxMessage.__table__.insert(), messages)  # type: ignore[attr-defined]
    repeats = [item for item, is_new in zip(batch, new, strict=True) if not is_new]
    if repeats:
        await _already_signed_many(session, repeats, now=now, policy=policy, mail=mail)
    return new


async def _already_signed_many(
    session: AsyncSession, repeats: list[SignRequest], *, now: datetime, policy: Policy, mail: Mail
) -> None:
    """One read of the existing signatures and one insert of "already signed" emails (at most one per
    signature per day, by dedupe key, so the form cannot be used to flood a mailbox)."""
    existing: dict[tuple[int, str], Signature] = {}
    for petition_id in {item.key[0] for item in repeats}:
        canon = [item.canonical for item in repeats if item.key[0] == petition_id]
        rows = await session.exec(
            select(Signature)
            .where(Signature.petition_id == petition_id)
            .where(col(Signature.email_canonical).in_(canon))
        )
        existing.update({(petition_id, s.email_canonical): s for s in rows.all()})
    messages: dict[str, dict[str, Any]] = {}
    for item in repeats:
        signature = existing.get(item.key)
        if signature is None or signature.id is None:
            continue
        key = f"petitions:already:{signature.id}:{now:%Y-%m-%d}"
        pending = signature.state == SignatureState.PENDING
        context = {
            "petition": item.petition,
            "pending": pending,
            "token": confirm_token(policy, signature.id, now) if pending else "",
        }
        if key not in messages:
            subject, body, _ = render_text(mail, "petitions_already_signed", context, lang=item.lang)
            messages[key] = outbox_row(item.email, subject, body, now, key)
    if messages:
        insert = pg_insert if await dialect_name(session) == "postgresql" else sqlite_insert
        table = OutboxMessage.__table__  # type: ignore[attr-defined]
        await _execute_many(session, insert(table).on_conflict_do_nothing(), list(messages.values()))


def _signature_row(item: SignRequest, suspect: bool, now: datetime) -> dict[str, Any]:
    return {
        "petition_id": item.petition.id,
        "name": item.name,
        "email": item.email,
        "email_canonical": item.canonical,
        "postcode": item.postcode,
        "ward_code": item.ward_code,
        "notify": item.notify,
        "state": SignatureState.PENDING.value,
        "suspect": suspect,
        "is_creator": False,
        "ip_address": item.ip[:45],
        "created_at": now,
        "invalidation_reason": "",
        "lang": item.lang,
    }


def _confirmation(
    mail: Mail, item: SignRequest, signature_id: int, now: datetime, policy: Policy
) -> dict[str, Any]:
    draft = item.draft or draft_confirmation(mail, item.petition, item.name, item.lang)
    subject, body = draft.with_token(confirm_token(policy, signature_id, now))
    return outbox_row(item.email, subject, body, now, None)


def _sqlite_lock_path(url: str) -> Path | None:
    """A lock file beside a SQLite database file; None for PostgreSQL or in-memory databases."""
    if not url.startswith("sqlite") or ":///" not in url:
        return None
    path = url.split(":///", 1)[1].split("?", 1)[0]
    return None if not path or path == ":memory:" else Path(path + ".petitions-lock")


@contextlib.asynccontextmanager
async def _between_processes(path: Path | None) -> AsyncIterator[None]:
    """With several processes on one SQLite file, take turns through an OS file lock: a waiting
    process wakes the moment the other commits, instead of polling in SQLite's busy handler, whose
    sleeps grow to 100 ms."""
    if path is None:
        yield
        return
    with path.open("a") as handle:
        await anyio.to_thread.run_sync(fcntl.flock, handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


T = TypeVar("T")
R = TypeVar("R")
Work = Callable[[AsyncSession, list[T]], Awaitable[list[R]]]


class GroupCommit(Generic[T, R]):
    """Queues work items and runs whatever has queued up in one write transaction; each caller gets
    its own result after the commit. One per app (process) and kind of work."""

    def __init__(self, db: Database, work: Work[T, R]) -> None:
        self.db, self.work = db, work
        self.queue: list[tuple[T, asyncio.Future[R]]] = []
        self.task: asyncio.Task[None] | None = None
        self.lock_path = _sqlite_lock_path(db.url)

    async def submit(self, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self.queue.append((item, future))
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        await asyncio.sleep(0)  # let requests that arrived in the same tick join the first batch
        while self.queue:
            batch, self.queue = self.queue[:MAX_BATCH], self.queue[MAX_BATCH:]
            try:
                results = await self._run([item for item, _ in batch])
            except Exception as exc:
                if len(batch) == 1:
                    _fail(batch[0][1], exc)
                    continue
                # The type only: a database error's text can quote the values, which are personal data.
                log.warning(
                    "group commit of %d failed (%s); retrying each alone", len(batch), type(exc).__name__
                )
                await self._one_by_one(batch)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)

    async def _run(self, items: list[T]) -> list[R]:
        async with _between_processes(self.lock_path), self.db.transaction() as session:
            return await self.work(session, items)

    async def _one_by_one(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        """After a failed batch, each member in its own transaction: one bad item (a value the database
        refuses, a constraint it breaks) fails alone and everyone else is stored and answered."""
        for item, future in batch:
            try:
                (result,) = await self._run([item])
            except Exception as exc:  # this request fails with its own error, never silently
                _fail(future, exc)
                continue
            if not future.done():
                future.set_result(result)


class ItemRefused(Refused):
    """One member of a group commit that the database refused even alone: its request gets this clear
    422 page (the cause stays chained for the log) while everyone else in its batch was answered."""

    def __init__(self) -> None:
        super().__init__(
            "What you sent could not be stored, so nothing was saved. Check what you entered and try again."
        )


def _fail(future: asyncio.Future[Any], exc: Exception) -> None:
    log.warning("a group commit member was refused alone (%s)", type(exc).__name__)
    if not future.done():
        refused = ItemRefused()
        refused.__cause__ = exc
        future.set_exception(refused)
