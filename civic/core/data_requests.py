"""Subject access and erasure requests: the record of each, the search and the erasure across features.

A request is recorded when a resident confirms the emailed link (or when staff enter one made by
letter). The council must answer within one month of receiving it (UK GDPR article 12(3)), so each
request carries its due date. The search and the erasure call every feature's `SubjectAccess`
(civic/core/privacy.py) in turn; core imports no feature. Every step is audited, and the audit
entry names the request, never the address.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import or_
from sqlmodel import Field, SQLModel, col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core import audit
from civic.core.db import UTCDateTime, row_id, str_enum
from civic.core.i18n import gettext
from civic.core.privacy import ACCESS, Erased, Held, Subject, email_digest
from civic.core.users import StaffUser, normalise_email


class Channel(StrEnum):
    ONLINE = "online"
    LETTER = "letter"

    @property
    def label(self) -> str:
        """In the language of the moment (the reader's, on a page)."""
        return gettext("online") if self == Channel.ONLINE else gettext("by letter or in person")


class DataRequest(SQLModel, table=True):
    __tablename__ = "data_request"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    channel: Channel = Field(sa_type=str_enum(Channel))
    received_at: datetime = Field(sa_type=UTCDateTime, index=True)
    erasure_asked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    erased_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    erasure_summary: str = Field(default="", max_length=2000)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)

    @property
    def due_at(self) -> datetime:
        return one_month_after(self.received_at)

    def overdue(self, now: datetime) -> bool:
        return self.closed_at is None and now > self.due_at


def one_month_after(received: datetime) -> datetime:
    """The same day next month, or that month's last day if it is shorter (31 January -> 28/29 February)."""
    year, month = (received.year + 1, 1) if received.month == 12 else (received.year, received.month + 1)
    day = min(received.day, calendar.monthrange(year, month)[1])
    return received.replace(year=year, month=month, day=day)


@dataclass(frozen=True)
class FeatureHolding:
    feature: str
    items: list[Held]
    notes: tuple[str, ...]


async def search_all(session: AsyncSession, subject: Subject) -> list[FeatureHolding]:
    """What every feature holds about the address, in feature order."""
    found = []
    for entry in ACCESS:
        items = await entry.access.search(session, subject)
        notes = tuple(str(note) for note in entry.access.notes)  # in the language of the moment
        found.append(FeatureHolding(entry.feature, items, notes))
    return found


def export_json(email: str, holdings: list[FeatureHolding], *, now: datetime) -> dict[str, object]:
    return {
        "email": email,
        "produced_at": now.isoformat(timespec="seconds"),
        "features": {
            h.feature: {
                "records": [
                    {"kind": i.kind, "fields": dict(i.fields), "on_erasure": i.note} for i in h.items
                ],
                "notes": list(h.notes),
            }
            for h in holdings
        },
    }


async def open_request(
    session: AsyncSession,
    *,
    email: str,
    channel: Channel,
    received_at: datetime,
    actor: StaffUser | None,
    now: datetime,
) -> DataRequest:
    """The open request for this address, or a new one (a resident who opens the link twice has one)."""
    address = normalise_email(email)
    existing = (
        await session.exec(
            select(DataRequest).where(DataRequest.email == address, col(DataRequest.closed_at).is_(None))
        )
    ).first()
    if existing is not None:
        return existing
    request = DataRequest(email=address, channel=channel, received_at=received_at)
    session.add(request)
    await session.flush()
    await _audit(session, request, actor, "privacy.request_received", now, f"{channel.value} request")
    return request


async def request_since(session: AsyncSession, email: str, since: datetime) -> DataRequest | None:
    """What the resident holding a link made at `since` may see: the open request for the address
    (however old), else the newest one received since the link was made."""
    rows = await session.exec(
        select(DataRequest)
        .where(
            DataRequest.email == normalise_email(email),
            or_(col(DataRequest.closed_at).is_(None), col(DataRequest.received_at) >= since),
        )
        .order_by(col(DataRequest.closed_at).is_not(None), col(DataRequest.received_at).desc())
    )
    return rows.first()


async def get_request(session: AsyncSession, request_id: int) -> DataRequest | None:
    return await session.get(DataRequest, request_id)


async def search_requests(session: AsyncSession, query: str) -> list[DataRequest]:
    """Requests whose address contains `query` (all when it is empty): open ones first, oldest first."""
    rows = select(DataRequest).order_by(col(DataRequest.closed_at).is_not(None), col(DataRequest.received_at))
    if query.strip():
        rows = rows.where(col(DataRequest.email).contains(normalise_email(query), autoescape=True))
    return list((await session.exec(rows)).all())


async def note_link_sent(session: AsyncSession, email: str, *, now: datetime) -> None:
    """The audit line for an emailed link: it names a digest of the address, never the address, and is
    written whether or not Civic holds anything about it."""
    await audit.record(
        session,
        actor=None,
        action="privacy.link_requested",
        object_type="data_request_link",
        object_id=email_digest(email),
        now=now,
        reason="a link to see and erase what Civic holds was emailed",
    )


async def ask_erasure(session: AsyncSession, request: DataRequest, *, now: datetime) -> None:
    if request.erasure_asked_at is None:
        request.erasure_asked_at = now
        session.add(request)
        await _audit(session, request, None, "privacy.erasure_asked", now, "the resident asked for erasure")


async def note_export(
    session: AsyncSession, request: DataRequest, *, actor: StaffUser | None, now: datetime
) -> None:
    await _audit(session, request, actor, "privacy.export", now, "what Civic holds was searched and shown")


async def erase_all(
    session: AsyncSession, request: DataRequest, subject: Subject, *, actor: StaffUser, now: datetime
) -> list[tuple[str, Erased]]:
    """Run every feature's erasure for the request's address, record what each did, and close it."""
    done = [(entry.feature, await entry.access.erase(session, subject, now)) for entry in ACCESS]
    request.erased_at = now
    request.erasure_summary = "; ".join(f"{feature}: {erased.summary}" for feature, erased in done)[:2000]
    request.closed_at = now
    session.add(request)
    await _audit(session, request, actor, "privacy.erase", now, request.erasure_summary)
    return done


async def close_request(
    session: AsyncSession, request: DataRequest, *, actor: StaffUser, now: datetime
) -> None:
    request.closed_at = now
    session.add(request)
    await _audit(session, request, actor, "privacy.close", now, "answered")


async def purge_closed(session: AsyncSession, *, now: datetime, keep_days: int) -> int:
    result = await session.exec(
        delete(DataRequest).where(col(DataRequest.closed_at) < now - timedelta(days=keep_days))
    )
    return int(result.rowcount or 0)


async def _audit(
    session: AsyncSession,
    request: DataRequest,
    actor: StaffUser | None,
    action: str,
    now: datetime,
    reason: str,
) -> None:
    await audit.record(
        session,
        actor=actor,
        action=action,
        object_type="data_request",
        object_id=row_id(request),
        now=now,
        reason=reason,
    )
