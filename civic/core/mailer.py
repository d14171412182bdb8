"""The outbox worker: claims queued messages with a lease, sends them over SMTP, records the outcome.

- Connection errors and 4xx replies are temporary: the message is retried with exponential back-off.
- 5xx replies are permanent: the message is marked failed with the server's reason.
- A worker that dies mid-batch leaves its lease to expire; another worker then takes the rows over.
  Delivery is therefore at-least-once: a crash between sending and recording can repeat one message.
"""

from __future__ import annotations

import logging
import socket
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
from civic.core.outbox import OutboxMessage, OutboxStatus

log = logging.getLogger("civic.mail")
LEASE = timedelta(minutes=5)
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
    return min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def build_email(row: OutboxMessage, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Message-ID"] = make_msgid(domain="civic.invalid")
    for key, value in row.headers.items():
        message[key] = value
    message.set_content(row.body_text)
    if row.body_html:
        message.add_alternative(row.body_html, subtype="html")
    return message


class MailWorker:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.owner = f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
        self.target = SmtpTarget.parse(settings.smtp_url) if settings.smtp_url else None

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
                row.lease_owner, row.lease_until = self.owner, now + LEASE
                session.add(row)
        return rows

    async def _deliver(self, rows: list[OutboxMessage], now: datetime) -> None:
        assert self.target is not None
        outcomes: dict[int, tuple[str, str]] = {}
        try:
            async with self._client() as client:
                for row in rows:
                    assert row.id is not None
                    outcomes[row.id] = await self._send_one(client, row)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            log.warning("SMTP connection problem, will retry: %s", exc)
            for row in rows:
                assert row.id is not None
                outcomes.setdefault(row.id, ("retry", f"connection: {exc}"[:1000]))
        await self._record(rows, outcomes, now)

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

    async def _send_one(self, client: aiosmtplib.SMTP, row: OutboxMessage) -> tuple[str, str]:
        try:
            await client.send_message(build_email(row, self.settings.mail_from))
        except aiosmtplib.SMTPRecipientsRefused as exc:
            refusal = exc.recipients[0] if exc.recipients else None
            code = refusal.code if refusal else 550
            return ("retry" if 400 <= code < 500 else "failed", str(exc)[:1000])
        except aiosmtplib.SMTPResponseException as exc:
            return (
                "retry" if 400 <= exc.code < 500 else "failed",
                f"{exc.code} {exc.message}"[:1000],
            )
        return ("sent", "")

    async def _record(
        self, rows: list[OutboxMessage], outcomes: dict[int, tuple[str, str]], now: datetime
    ) -> None:
        async with self.db.transaction() as session:
            for row in rows:
                assert row.id is not None
                outcome, error = outcomes[row.id]
                attempts = row.attempts + 1
                values: dict[str, object] = {
                    "attempts": attempts,
                    "lease_owner": None,
                    "lease_until": None,
                    "last_error": error,
                }
                if outcome == "sent":
                    values.update(status=OutboxStatus.SENT, sent_at=now)
                elif outcome == "failed" or attempts >= self.settings.mail_max_attempts:
                    values.update(status=OutboxStatus.FAILED)
                else:
                    values.update(next_attempt_at=now + backoff(attempts))
                await session.exec(
                    update(OutboxMessage)
                    .where(col(OutboxMessage.id) == row.id)
                    .where(col(OutboxMessage.lease_owner) == self.owner)
                    .values(**values)
                )
