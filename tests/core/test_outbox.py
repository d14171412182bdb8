"""The outbox against a real SMTP server on loopback: delivery, retries, permanent failures, outages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import select

from civic.core.clock import FrozenClock
from civic.core.mailer import MailWorker, SmtpTarget, backoff
from civic.core.outbox import OutboxMessage, OutboxStatus
from civic.core.state import app_state
from tests.conftest import make_settings
from tests.support.smtp import SmtpServer, body_of


async def queue(app: Any, to: str, key: str | None = None) -> bool:
    async with app_state(app).db.transaction() as session:
        queued: bool = await app_state(app).mail.enqueue(
            session,
            to=to,
            template="mail_check",
            context={"name": "Sam", "link": "/petitions/1"},
            now=app_state(app).clock.now(),
            dedupe_key=key,
        )
    return queued


async def rows(app: Any) -> list[OutboxMessage]:
    async with app_state(app).db.reading() as session:
        return list((await session.exec(select(OutboxMessage).order_by(OutboxMessage.id))).all())  # type: ignore[arg-type]


async def test_a_queued_message_is_delivered_with_links_from_base_url(
    mail_app: Any, smtp: SmtpServer
) -> None:
    await queue(mail_app, "sam@example.org")
    assert await app_state(mail_app).worker.pass_once() == 1
    [message] = smtp.to("sam@example.org")
    assert message["Subject"] == "Test message from Fernbridge Borough Council"
    assert "http://testserver/petitions/1" in body_of(message)
    [row] = await rows(mail_app)
    assert row.status == OutboxStatus.SENT
    assert row.attempts == 1


async def test_a_dedupe_key_queues_a_message_once(mail_app: Any, smtp: SmtpServer) -> None:
    assert await queue(mail_app, "sam@example.org", key="response:1:sam")
    assert not await queue(mail_app, "sam@example.org", key="response:1:sam")
    await app_state(mail_app).worker.pass_once()
    assert len(smtp.messages) == 1


async def test_a_4xx_reply_is_retried_with_backoff_then_delivered(
    mail_app: Any, smtp: SmtpServer, clock: FrozenClock
) -> None:
    await queue(mail_app, "sam@example.org")
    smtp.recorder.reply = "451 Mailbox busy, try later"
    await app_state(mail_app).worker.pass_once()
    [row] = await rows(mail_app)
    assert row.status == OutboxStatus.PENDING
    assert row.attempts == 1
    assert "451" in row.last_error
    assert row.next_attempt_at == clock.now() + backoff(1)
    smtp.recorder.reply = None
    assert await app_state(mail_app).worker.pass_once() == 0  # not due yet
    clock.advance(backoff(1))
    assert await app_state(mail_app).worker.pass_once() == 1
    assert len(smtp.messages) == 1
    assert (await rows(mail_app))[0].status == OutboxStatus.SENT


async def test_a_5xx_reply_fails_the_message_with_the_reason(mail_app: Any, smtp: SmtpServer) -> None:
    await queue(mail_app, "nobody@example.org")
    smtp.recorder.reply = "550 No such user here"
    await app_state(mail_app).worker.pass_once()
    [row] = await rows(mail_app)
    assert row.status == OutboxStatus.FAILED
    assert "550" in row.last_error
    assert "No such user" in row.last_error


async def test_two_workers_never_claim_the_same_message(
    mail_app: Any, smtp: SmtpServer, database_url: str
) -> None:
    for n in range(10):
        await queue(mail_app, f"r{n}@example.org")
    other = MailWorker(
        app_state(mail_app).db, make_settings(database_url, smtp_url=smtp.url, mail_batch_size=5)
    )
    first = await other._claim(app_state(mail_app).clock.now())
    second = await app_state(mail_app).worker.mailer._claim(app_state(mail_app).clock.now())
    assert len(first) == 5
    assert {r.id for r in first}.isdisjoint({r.id for r in second})
    assert len(second) == 5


async def test_without_smtp_in_development_mail_waits_in_the_outbox(app: Any) -> None:
    await queue(app, "sam@example.org")
    assert await app_state(app).worker.pass_once() == 0
    assert (await rows(app))[0].status == OutboxStatus.PENDING


def test_smtp_url_parsing() -> None:
    target = SmtpTarget.parse("smtp://user%40x:p%3Ass@mail.example:587?starttls=1")
    assert (target.host, target.port, target.username, target.password, target.start_tls, target.use_tls) == (
        "mail.example",
        587,
        "user@x",
        "p:ss",
        True,
        False,
    )
    assert SmtpTarget.parse("smtps://mail.example").port == 465
    assert SmtpTarget.parse("smtps://mail.example").use_tls


def test_backoff_grows_and_is_capped() -> None:
    assert backoff(1) < backoff(2) < backoff(3)
    assert backoff(30) == timedelta(hours=2)
    assert backoff(10_000) == timedelta(hours=2)
