"""The steps of a staff sign-in after the password, and the record of sign-ins each member sees.

A password alone never starts a session for a member who has (or must have) a second factor: it
starts a *pending* sign-in, a short-lived random token in its own cookie, good only for the code
page or the enrolment page. The staff session starts when the second factor is given, so a pending
member can do nothing else. Each completed sign-in is recorded with its time, IP address, browser and
factor; the records are deleted after SIGNIN_HISTORY_DAYS.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Field, SQLModel, col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.config import Settings
from civic.core.db import UTCDateTime, row_id, str_enum
from civic.core.i18n import gettext
from civic.core.sessions import StaffSession, hash_token, sign_in
from civic.core.users import Role, StaffUser

PENDING_COOKIE = "civic_signin"
SECURE_PENDING_COOKIE = "__Host-civic_signin"
PENDING_MINUTES = 10
# Every role that publishes in the council's name or moderates what residents write. Today that is
# every role; `all` also covers any role added later that does neither.
PUBLISHING_ROLES = frozenset(
    {Role.ADMIN, Role.MODERATOR, Role.COUNCILLOR, Role.POLICE, Role.YOUTH_WORKER, Role.PANEL_CLERK}
)


class Stage(StrEnum):
    VERIFY = "verify"  # has a second factor: must give it
    ENROL = "enrol"  # must have one and has none: must set one up


class Factor(StrEnum):
    PASSWORD = "password"  # noqa: S105 - a factor's name
    TOTP = "totp"
    RECOVERY = "recovery"
    PASSKEY = "passkey"

    @property
    def label(self) -> str:
        """In the language of the moment (the reader's, on a page)."""
        return {
            "password": gettext("Password only"),
            "totp": gettext("Password and authenticator app"),
            "recovery": gettext("Password and recovery code"),
            "passkey": gettext("Passkey"),
        }[self.value]


class PendingSignin(SQLModel, table=True):
    __tablename__ = "pending_signin"

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="staff_user.id", index=True)
    stage: Stage = Field(sa_type=str_enum(Stage))
    next_url: str = Field(default="/staff", max_length=500)
    created_at: datetime = Field(sa_type=UTCDateTime)


class SigninEvent(SQLModel, table=True):
    __tablename__ = "signin_event"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="staff_user.id", index=True)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    ip_address: str = Field(max_length=45)
    user_agent: str = Field(max_length=300)
    factor: Factor = Field(sa_type=str_enum(Factor))
    session_hash: str | None = Field(default=None, max_length=64, index=True)


def pending_cookie_name(settings: Settings) -> str:
    return SECURE_PENDING_COOKIE if settings.secure_cookies else PENDING_COOKIE


def must_have_second_factor(settings: Settings, user: StaffUser) -> bool:
    if settings.staff_2fa_required == "all":
        return True
    return settings.staff_2fa_required == "publishers" and user.role in PUBLISHING_ROLES


async def session_factor(session: AsyncSession, token: str) -> Factor | None:
    """The factor the session with this token was signed in with (None if its sign-in is unknown)."""
    rows = await session.exec(select(SigninEvent.factor).where(SigninEvent.session_hash == hash_token(token)))
    found = rows.first()
    return None if found is None else Factor(found)


async def session_meets_rule(session: AsyncSession, settings: Settings, user: StaffUser, token: str) -> bool:
    """Whether a signed-in session still satisfies STAFF_2FA_REQUIRED as it is now. A session begun
    with a password alone, while the rule did not ask more of this member, stops counting as signed in
    when the rule is tightened (or the member's role changes to one it covers): the member signs in
    again, with the second factor."""
    if not must_have_second_factor(settings, user):
        return True
    factor = await session_factor(session, token)
    return factor is not None and factor != Factor.PASSWORD


async def start_pending(
    session: AsyncSession, user: StaffUser, stage: Stage, *, next_url: str, now: datetime
) -> str:
    await session.exec(delete(PendingSignin).where(col(PendingSignin.user_id) == row_id(user)))
    token = secrets.token_urlsafe(32)
    session.add(
        PendingSignin(
            token_hash=hash_token(token), user_id=row_id(user), stage=stage, next_url=next_url, created_at=now
        )
    )
    await session.flush()
    return token


async def load_pending(
    session: AsyncSession, token: str | None, *, now: datetime
) -> tuple[PendingSignin, StaffUser] | None:
    if not token:
        return None
    row = await session.get(PendingSignin, hash_token(token))
    if row is None or now - row.created_at > timedelta(minutes=PENDING_MINUTES):
        return None
    user = await session.get(StaffUser, row.user_id)
    if user is None or user.disabled:
        return None
    return row, user


async def complete(
    session: AsyncSession,
    user: StaffUser,
    factor: Factor,
    *,
    ip: str,
    user_agent: str,
    now: datetime,
) -> str:
    """Start the staff session, end any pending step, record the sign-in. Returns the session token."""
    await session.exec(delete(PendingSignin).where(col(PendingSignin.user_id) == row_id(user)))
    token = await sign_in(session, user, now=now)
    session.add(
        SigninEvent(
            user_id=row_id(user),
            at=now,
            ip_address=ip[:45],
            user_agent=user_agent[:300],
            factor=factor,
            session_hash=hash_token(token),
        )
    )
    await session.flush()
    return token


async def recent_signins(session: AsyncSession, user_id: int, *, limit: int = 20) -> list[SigninEvent]:
    rows = await session.exec(
        select(SigninEvent)
        .where(SigninEvent.user_id == user_id)
        .order_by(col(SigninEvent.at).desc(), col(SigninEvent.id).desc())
        .limit(limit)
    )
    return list(rows.all())


async def open_sessions(session: AsyncSession, user_id: int) -> list[tuple[StaffSession, SigninEvent | None]]:
    """The member's live sessions, each with the sign-in that started it (when still recorded)."""
    rows = await session.exec(
        select(StaffSession, SigninEvent)
        .join(SigninEvent, col(SigninEvent.session_hash) == col(StaffSession.token_hash), isouter=True)
        .where(StaffSession.user_id == user_id)
        .order_by(col(StaffSession.last_seen_at).desc())
    )
    return [(found[0], found[1]) for found in rows.all()]


async def end_other_sessions(session: AsyncSession, user_id: int, keep_token: str) -> int:
    result = await session.exec(
        delete(StaffSession).where(
            col(StaffSession.user_id) == user_id, col(StaffSession.token_hash) != hash_token(keep_token)
        )
    )
    return int(result.rowcount or 0)


async def purge_old(session: AsyncSession, settings: Settings, now: datetime) -> int:
    """Sign-in records past SIGNIN_HISTORY_DAYS, and pending sign-ins nobody finished."""
    cut = now - timedelta(days=settings.signin_history_days)
    result = await session.exec(delete(SigninEvent).where(col(SigninEvent.at) < cut))
    pending_cut = now - timedelta(minutes=PENDING_MINUTES)
    await session.exec(delete(PendingSignin).where(col(PendingSignin.created_at) < pending_cut))
    return int(result.rowcount or 0)
