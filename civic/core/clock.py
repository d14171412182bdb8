"""The one source of time. Services and rules take `now` as an argument; handlers read it from here,
so tests move time by swapping the clock on the app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

from starlette.requests import HTTPConnection

from civic.core.state import state


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that stands still until told to move; for tests and demos."""

    def __init__(self, at: datetime) -> None:
        self.at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self.at

    def advance(self, delta: timedelta) -> None:
        self.at += delta

    def set(self, at: datetime) -> None:
        self.at = at.astimezone(UTC)


def now(conn: HTTPConnection) -> datetime:
    return state(conn).clock.now()
