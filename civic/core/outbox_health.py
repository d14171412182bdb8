"""How the outbox is doing, for the admin page and `civic mail status`, and requeuing failed mail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.outbox import OutboxMessage, OutboxStatus


@dataclass(frozen=True)
class OutboxHealth:
    queued: int  # waiting to be sent, due now or later
    retrying: int  # of those, how many the server has not accepted yet (outage, 4xx)
    failed: int
    sent_last_day: int
    oldest_queued_at: datetime | None
    last_error: str
    last_error_at: datetime | None

    def oldest_age(self, now: datetime) -> timedelta | None:
        return None if self.oldest_queued_at is None else now - self.oldest_queued_at

    @property
    def healthy(self) -> bool:
        return self.failed == 0 and self.retrying == 0


async def _count(session: AsyncSession, *conditions: object) -> int:
    query = select(func.count()).select_from(OutboxMessage).where(*conditions)  # type: ignore[arg-type]
    return int((await session.exec(query)).one())


async def outbox_health(session: AsyncSession, *, now: datetime) -> OutboxHealth:
    pending = col(OutboxMessage.status) == OutboxStatus.PENDING
    oldest = await session.exec(select(func.min(OutboxMessage.created_at)).where(pending))
    last = await session.exec(
        select(OutboxMessage.last_error, OutboxMessage.last_attempt_at)
        .where(col(OutboxMessage.last_error) != "")
        .where(col(OutboxMessage.last_attempt_at).is_not(None))
        .order_by(col(OutboxMessage.last_attempt_at).desc(), col(OutboxMessage.id).desc())
        .limit(1)
    )
    error, error_at = last.first() or ("", None)
    return OutboxHealth(
        queued=await _count(session, pending),
        retrying=await _count(session, pending, col(OutboxMessage.last_error) != ""),
        failed=await _count(session, col(OutboxMessage.status) == OutboxStatus.FAILED),
        sent_last_day=await _count(
            session,
            col(OutboxMessage.status) == OutboxStatus.SENT,
            col(OutboxMessage.sent_at) >= now - timedelta(days=1),
        ),
        oldest_queued_at=oldest.one(),
        last_error=error,
        last_error_at=error_at,
    )


async def failed_messages(session: AsyncSession, *, limit: int = 20) -> list[OutboxMessage]:
    rows = await session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.FAILED)
        .order_by(col(OutboxMessage.id).desc())
        .limit(limit)
    )
    return list(rows.all())


async def requeue_failed(session: AsyncSession, *, now: datetime, since: datetime | None = None) -> int:
    """Failed messages (those that failed at or after `since`, if given) go back in the queue, due now,
    with a fresh MAIL_MAX_AGE_DAYS retry window. Returns how many."""
    query = update(OutboxMessage).where(col(OutboxMessage.status) == OutboxStatus.FAILED)
    if since is not None:
        query = query.where(func.coalesce(OutboxMessage.last_attempt_at, OutboxMessage.created_at) >= since)
    result = await session.exec(
        query.values(
            status=OutboxStatus.PENDING,
            next_attempt_at=now,
            requeued_at=now,
            lease_owner=None,
            lease_until=None,
        )
    )
    return int(result.rowcount)


def masked_address(address: str) -> str:
    """Enough of an address to diagnose a domain's problems without showing who it was."""
    _, at, domain = address.rpartition("@")
    return f"…@{domain}" if at else "…"
