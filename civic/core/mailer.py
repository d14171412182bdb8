"""The outbox worker: claims queued messages with a lease, then builds, sends and records each one alone.

- Each message is recorded as sent in its own transaction as soon as the server accepts it, so a worker
  killed mid-batch repeats at most the one message that was in flight.
- A message that cannot be built, or that the server refuses permanently (5xx for that recipient), is
  marked failed with the reason; the rest of the batch goes on.
- Connection failures, timeouts and 4xx replies are temporary: the message waits with capped exponential
  back-off and is tried again for MAIL_MAX_AGE_DAYS from when it was queued (or requeued by staff); only
  then is it marked failed, with the last error, and logged at ERROR. They never use up anything else.
- A connection lost mid-batch releases the rest of the batch for the next pass. A worker stops sending
  once half its lease has gone, so its lease cannot run out while it still sends; rows a dead worker
  held are taken over when their lease expires.
"""

from __future__ import annotations

import logging
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import parse_qs, unquote, urlparse

import aiosmtplib
from sqlmodel import col, select, update

from civic.config import Settings
from civic.core.db import Database
from civic.core.headers import header_safe, safe_headers
from civic.core.outbox import OutboxMessage, OutboxStatus

log = logging.getLogger("civic.mail")
MAX_BACKOFF = timedelta(hours=2)


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    use_tls: bool
    start_tls: bool | None
    username: str | None
    password: str | None

    @classmethod
    def parse(cls, url: str) -> SmtpTarget:
        """`smtp://user:pass@host:587?starttls=1`, `smtps://host:465`; STARTTLS is used when offered
        unless `starttls=0`, and required with `starttls=1`."""
        parsed = urlparse(url)
        if parsed.scheme not in {"smtp", "smtps"} or not parsed.hostname:
            raise ValueError("SMTP_URL must look like smtp://user:password@host:587 or smtps://host:465")
        query = parse_qs(parsed.query)
        flag = query.get("starttls", [""])[0]
        return cls(
            host=parsed.hostname,
            port=parsed.port or (465 if parsed.scheme == "smtps" else 25),
            use_tls=parsed.scheme == "smtps",
            start_tls=None if flag == "" else flag == "1",
            username=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
        )


def backoff(attempts: int) -> timedelta:
    doublings = min(max(attempts - 1, 0), 16)  # a long outage means many attempts: keep 2**n small
    return min(timedelta(seconds=30 * 2**doublings), MAX_BACKOFF)


def build_email(row: OutboxMessage, sender: str) -> EmailMessage:
    """The message as sent; every header value passes `header_safe`, whatever is stored."""
    message = EmailMessage()
    message["From"] = header_safe(sender)
    message["To"] = header_safe(row.to_address)
    message["Subject"] = header_safe(row.subject)
    message["Message-ID"] = make_msgid(domain="civic.invalid")
    for key, value in safe_headers(row.headers).items():
        message[key] = value
    message.set_content(row.body_text)
    if row.body_html:
        message.add_alternative(row.body_html, subtype="html")
    return message


class ConnectionLost(Exception):
    """The SMTP connection failed or dropped: the rest of the batch waits for the next pass."""


class MailWorker:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.owner = f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
        self.target = SmtpTarget.parse(settings.smtp_url) if settings.smtp_url else None
        self.lease = timedelta(seconds=settings.mail_lease_seconds)

    async def run_once(self, now: datetime) -> int:
        """Send one batch; returns how many messages it claimed."""
        if self.target is None:
            return 0  # development without SMTP: mail stays in the outbox, shown by the dev mailbox
        rows = await self._claim(now)
        if rows:
            await self._deliver(rows, now)
        return len(rows)

    async def _claim(self, now: datetime) -> list[OutboxMessage]:
        async with self.db.transaction() as session:
            query = (
                select(OutboxMessage)
                .where(OutboxMessage.status == OutboxStatus.PENDING)
                .where(col(OutboxMessage.next_attempt_at) <= now)
                .where((col(OutboxMessage.lease_until).is_(None)) | (col(OutboxMessage.lease_until) < now))
                .order_by(col(OutboxMessage.id))
                .limit(self.settings.mail_batch_size)
            )
            if not self.db.is_sqlite:
                query = query.with_for_update(skip_locked=True)
            rows = list((await session.exec(query)).all())
            for row in rows:
                row.lease_owner, row.lease_until = self.owner, now + self.lease
                session.add(row)
        return rows

    async def _deliver(self, rows: list[OutboxMessage], now: datetime) -> None:
        """Send the claimed rows one by one; whatever is left when the connection fails waits."""
        started = time.monotonic()
        pending = list(rows)
        try:
            async with self._client() as client:
                while pending and time.monotonic() - started < self.lease.total_seconds() / 2:
                    await self._send_and_record(client, pending[0], now)
                    pending.pop(0)
        except (ConnectionLost, aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            log.warning("SMTP connection problem, %d messages will be retried: %s", len(pending), exc)
            await self._retry_all(pending, now, f"connection: {exc}")
            return
        await self._release(pending)

    def _client(self) -> aiosmtplib.SMTP:
        target = self.target
        assert target is not None
        return aiosmtplib.SMTP(
            hostname=target.host,
            port=target.port,
            use_tls=target.use_tls,
            start_tls=target.start_tls,
            username=target.username,
            password=target.password,
            timeout=30,
        )

    async def _send_and_record(self, client: aiosmtplib.SMTP, row: OutboxMessage, now: datetime) -> None:
        try:
            message = build_email(row, self.settings.mail_from)
        except Exception as exc:  # a message that can never be built must not hold up the others
            log.error("outbox message %s cannot be built: %s", row.id, exc)
            await self._record(row, now, failed=f"cannot be built: {exc}")
            return
        outcome, error = await self._send(client, message)
        if outcome == "sent":
            await self._record(row, now, sent=True)
        elif outcome == "failed":
            log.error("outbox message %s refused permanently: %s", row.id, error)
            await self._record(row, now, failed=error)
        else:
            await self._record_retry(row, now, error)

    async def _send(self, client: aiosmtplib.SMTP, message: EmailMessage) -> tuple[str, str]:
        try:
            await client.send_message(message)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            refusal = exc.recipients[0] if exc.recipients else None
            code = refusal.code if refusal else 550
            return ("retry" if 400 <= code < 500 else "failed", str(exc)[:1000])
        except aiosmtplib.SMTPServerDisconnected as exc:
            raise ConnectionLost(str(exc)) from exc
        except aiosmtplib.SMTPResponseException as exc:
            return (
                "retry" if 400 <= exc.code < 500 else "failed",
                f"{exc.code} {exc.message}"[:1000],
            )
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise ConnectionLost(str(exc)) from exc
        return ("sent", "")

    async def _update(self, row_id: int | None, values: dict[str, object]) -> None:
        """Change one row this worker still holds, in its own transaction (committed at once)."""
        async with self.db.transaction() as session:
            await session.exec(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == row_id)
                .where(col(OutboxMessage.lease_owner) == self.owner)
                .values(lease_owner=None, lease_until=None, **values)
            )

    async def _record(
        self, row: OutboxMessage, now: datetime, *, sent: bool = False, failed: str = ""
    ) -> None:
        values: dict[str, object] = {"attempts": row.attempts + 1, "last_attempt_at": now}
        if sent:
            values.update(status=OutboxStatus.SENT, sent_at=now, last_error="")
        else:
            values.update(status=OutboxStatus.FAILED, last_error=failed[:1000])
        await self._update(row.id, values)

    async def _record_retry(self, row: OutboxMessage, now: datetime, error: str) -> None:
        """A temporary problem: try again after the back-off, unless the message is now too old."""
        attempts = row.attempts + 1
        values: dict[str, object] = {"attempts": attempts, "last_attempt_at": now}
        if now - row.retry_from >= timedelta(days=self.settings.mail_max_age_days):
            reason = f"not accepted within {self.settings.mail_max_age_days} days; last error: {error}"
            log.error("outbox message %s given up: %s", row.id, reason)
            values.update(status=OutboxStatus.FAILED, last_error=reason[:1000])
        else:
            values.update(next_attempt_at=now + backoff(attempts), last_error=error[:1000])
        await self._update(row.id, values)

    async def _retry_all(self, rows: list[OutboxMessage], now: datetime, error: str) -> None:
        for row in rows:
            await self._record_retry(row, now, error)

    async def _release(self, rows: list[OutboxMessage]) -> None:
        """Rows not tried in this pass (the pass ran out of time) go back as they were, in one update."""
        if not rows:
            return
        async with self.db.transaction() as session:
            await session.exec(
                update(OutboxMessage)
                .where(col(OutboxMessage.id).in_([row.id for row in rows]))
                .where(col(OutboxMessage.lease_owner) == self.owner)
                .values(lease_owner=None, lease_until=None)
            )
