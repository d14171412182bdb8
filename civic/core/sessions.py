"""Server-side staff sessions.

The cookie holds a random token; the database holds only its SHA-256, the user and the times. Every
request reloads the user, so logout, disabling and role changes take effect at once. Sessions end after
SESSION_IDLE_MINUTES without use and SESSION_MAX_HOURS after login.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlmodel import Field, SQLModel, col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.config import Settings
from civic.core import audit
from civic.core.db import UTCDateTime, row_id
from civic.core.users import StaffUser

COOKIE_NAME = "civic_staff"
SECURE_COOKIE_NAME = "__Host-civic_staff"
TOUCH_EVERY = timedelta(seconds=60)  # write last-seen at most once a minute, not on every request


class StaffSession(SQLModel, table=True):
    __tablename__ = "staff_session"

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="staff_user.id", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    last_seen_at: datetime = Field(sa_type=UTCDateTime)


def cookie_name(settings: Settings) -> str:
    return SECURE_COOKIE_NAME if settings.secure_cookies else COOKIE_NAME


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def start_session(session: AsyncSession, user: StaffUser, *, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(token_hash=hash_token(token), user_id=row_id(user), created_at=now, last_seen_at=now)
    )
    await session.flush()
    return token


async def sign_in(session: AsyncSession, user: StaffUser, *, now: datetime) -> str:
    """A successful sign-in: a new session, the time noted on the account, and the audit entry.
    Returns the session token for the cookie. Flushes; the handler commits."""
    token = await start_session(session, user, now=now)
    user.last_login_at = now
    session.add(user)
    await audit.record(
        session, actor=user, action="staff.login", object_type="staff_user", object_id=user.id, now=now
    )
    return token


async def sign_out(session: AsyncSession, user: StaffUser, token: str, *, now: datetime) -> None:
    """End the session the request came with, and say so in the audit log."""
    await end_session(session, token)
    await audit.record(
        session, actor=user, action="staff.logout", object_type="staff_user", object_id=user.id, now=now
    )


def is_expired(row: StaffSession, settings: Settings, now: datetime) -> bool:
    idle = now - row.last_seen_at > timedelta(minutes=settings.session_idle_minutes)
    too_old = now - row.created_at > timedelta(hours=settings.session_max_hours)
    return idle or too_old


async def load_session(session: AsyncSession, token: str) -> tuple[StaffSession, StaffUser] | None:
    rows = await session.exec(
        select(StaffSession, StaffUser)
        .join(StaffUser, col(StaffUser.id) == col(StaffSession.user_id))
        .where(StaffSession.token_hash == hash_token(token))
    )
    found = rows.first()
    return None if found is None else (found[0], found[1])


async def touch_session(session: AsyncSession, token_hash: str, now: datetime) -> None:
    row = await session.get(StaffSession, token_hash)
    if row is not None:
        row.last_seen_at = now
        session.add(row)
        await session.flush()


async def end_session(session: AsyncSession, token: str) -> None:
    await session.exec(delete(StaffSession).where(col(StaffSession.token_hash) == hash_token(token)))


async def end_all_sessions(session: AsyncSession, user_id: int) -> None:
    await session.exec(delete(StaffSession).where(col(StaffSession.user_id) == user_id))


async def purge_expired(session: AsyncSession, settings: Settings, now: datetime) -> int:
    idle_cut = now - timedelta(minutes=settings.session_idle_minutes)
    age_cut = now - timedelta(hours=settings.session_max_hours)
    result = await session.exec(
        delete(StaffSession).where(
            (col(StaffSession.last_seen_at) < idle_cut) | (col(StaffSession.created_at) < age_cut)
        )
    )
    return int(result.rowcount or 0)
