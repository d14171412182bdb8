"""A rate limiter kept in the database, so several app processes share one count.

Each limit is a fixed window: a row per (key, window start) whose count is bumped with one
`INSERT ... ON CONFLICT DO UPDATE ... RETURNING` statement, atomic on both engines. A caller passes
several limits (a burst window and a sustained one) and is refused when any is exceeded.

Every POST a resident can make without signing in is limited per IP address. `@rate_limited(SETTING)`
counts each request against the setting (requests per hour) before the handler runs; a handler that
applies its limits itself (with a different answer than 429, or per email address as well) says which
settings it applies with `@limits_itself(...)`. Both record the settings on the endpoint (`limits_of`),
so a test can find a public POST that has none.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Integer, String
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Field, SQLModel, col, delete
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from civic.core.clock import now as clock_now
from civic.core.db import UTCDateTime, dialect_name, run_sql, transaction
from civic.core.net import client_ip
from civic.core.state import state

Handler = Callable[[Request], Awaitable[Response]]


class RateCounter(SQLModel, table=True):
    __tablename__ = "rate_counter"

    key: str = Field(primary_key=True, max_length=200, sa_type=String(200))
    window_start: datetime = Field(primary_key=True, sa_type=UTCDateTime)
    window_seconds: int = Field(sa_type=Integer)
    hits: int = Field(default=0, sa_type=Integer)


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int

    def window_start(self, now: datetime) -> datetime:
        epoch = int(now.timestamp())
        return datetime.fromtimestamp(epoch - epoch % self.seconds, tz=now.tzinfo)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0


async def hit(session: AsyncSession, key: str, limits: list[Limit], *, now: datetime) -> Verdict:
    """Count one request against every limit for `key`; refused if any window is over its count."""
    retry_after = 0
    for limit in limits:
        count = await _bump(session, f"{key}|{limit.seconds}", limit, now)
        if count > limit.count:
            ends = limit.window_start(now) + timedelta(seconds=limit.seconds)
            retry_after = max(retry_after, int((ends - now).total_seconds()) + 1)
    return Verdict(allowed=retry_after == 0, retry_after=retry_after)


async def peek(session: AsyncSession, key: str, limit: Limit, *, now: datetime) -> int:
    """How many hits the current window already holds, without counting one."""
    row = await session.get(RateCounter, (f"{key}|{limit.seconds}", limit.window_start(now)))
    return 0 if row is None else row.hits


async def _bump(session: AsyncSession, key: str, limit: Limit, now: datetime) -> int:
    insert = pg_insert if await dialect_name(session) == "postgresql" else sqlite_insert
    table = RateCounter.__table__  # type: ignore[attr-defined]
    statement = (
        insert(table)
        .values(key=key, window_start=limit.window_start(now), window_seconds=limit.seconds, hits=1)
        .on_conflict_do_update(index_elements=["key", "window_start"], set_={"hits": table.c.hits + 1})
        .returning(table.c.hits)
    )
    result = await run_sql(session, statement)
    return int(result.scalar_one())


async def purge_old_counters(session: AsyncSession, *, now: datetime, keep_hours: int = 48) -> int:
    """Windows that have ended are useless, and their keys name IP and email addresses; the job that
    calls this (with RATE_LIMIT_KEEP_HOURS) keeps the table small. No window is longer than a day,
    so `keep_hours` of at least 24 never deletes a window still counting."""
    ended = col(RateCounter.window_start) < now - timedelta(hours=max(24, keep_hours))
    result = await session.exec(delete(RateCounter).where(ended))
    return int(result.rowcount or 0)


async def enforce(session: AsyncSession, key: str, limits: list[Limit], *, now: datetime) -> None:
    """Count a request and refuse it with 429 (and Retry-After) when over any limit."""
    from civic.core.errors import TooManyRequests

    verdict = await hit(session, key, limits, now=now)
    if not verdict.allowed:
        raise TooManyRequests(verdict.retry_after)


def limits_of(endpoint: object) -> tuple[str, ...]:
    """The settings that limit an endpoint, as its decorator recorded them; () for none."""
    limits: tuple[str, ...] = getattr(endpoint, "rate_limits", ())
    return limits


def rate_limited(setting: str) -> Callable[[Handler], Handler]:
    """Refuse (429) a client IP address's requests beyond `setting` per hour, counted before the
    handler runs, in their own transaction so a handler that fails still counts."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def limited(request: Request) -> Response:
            per_hour = Limit(state(request).settings.int_value(setting), 3600)
            async with transaction(request) as session:
                verdict = await hit(
                    session, f"{setting.lower()}:{client_ip(request)}", [per_hour], now=clock_now(request)
                )
            if not verdict.allowed:  # raised outside the transaction, so the count is kept
                from civic.core.errors import TooManyRequests

                raise TooManyRequests(verdict.retry_after)
            return await handler(request)

        limited.rate_limits = (setting,)  # type: ignore[attr-defined]
        return limited

    return decorate


def limits_itself(*settings: str) -> Callable[[Handler], Handler]:
    """Mark a handler that applies the limits these settings define itself."""

    def decorate(handler: Handler) -> Handler:
        handler.rate_limits = settings  # type: ignore[attr-defined]
        return handler

    return decorate
