"""The outbox never stalls, repeats or gives up silently: one bad message fails alone, each message is
recorded as sent as soon as the server takes it, and an outage only delays mail (real SMTP on loopback)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlmodel import select

from civic.core.clock import FrozenClock
from civic.core.outbox import OutboxMessage, OutboxStatus
from civic.core.outbox_health import outbox_health, requeue_failed
from civic.core.state import app_state
from tests.core.test_outbox import queue, rows
from tests.support.smtp import SmtpServer


async def insert_raw(app: Any, to: str, **values: Any) -> None:
    """A row as an older version, a bug or a corrupted database might have left it."""
    now = app_state(app).clock.now()
    fields: dict[str, Any] = {
        "created_at": now,
        "to_address": to,
        "subject": "Hello",
        "body_text": "Body\n",
        "next_attempt_at": now,
    }
    fields.update(values)
    async with app_state(app).db.transaction() as session:
        session.add(OutboxMessage(**fields))


async def health(app: Any) -> Any:
    async with app_state(app).db.reading() as session:
        return await outbox_health(session, now=app_state(app).clock.now())


async def test_a_message_that_cannot_be_built_fails_alone_and_the_rest_go_once(
    mail_app: Any, smtp: SmtpServer
) -> None:
    await queue(mail_app, "first@example.org")
    await insert_raw(mail_app, "broken@example.org", headers_json="{not json")
    await queue(mail_app, "last@example.org")
    assert await app_state(mail_app).worker.pass_once() == 3
    assert sorted(m["To"] for m in smtp.messages) == ["first@example.org", "last@example.org"]
    by_address = {r.to_address: r for r in await rows(mail_app)}
    broken = by_address["broken@example.org"]
    assert broken.status == OutboxStatus.FAILED
    assert broken.last_error.startswith("cannot be built")
    assert all(r.lease_owner is None and r.lease_until is None for r in by_address.values())
    assert await app_state(mail_app).worker.pass_once() == 0  # nothing left leased or due: no repeats
    assert len(smtp.messages) == 2


async def test_typed_line_breaks_and_nul_never_reach_a_header(mail_app: Any, smtp: SmtpServer) -> None:
    await insert_raw(
        mail_app,
        "sam@example.org",
        subject="Fix the lights\r\nBcc: victim@example.org\r now",  # PostgreSQL cannot store NUL
        headers_json=json.dumps({"List-Id": "panel\r\nX-Injected: yes", "Bad Name\r\n": "x"}),
    )
    async with app_state(mail_app).db.transaction() as session:
        await app_state(mail_app).mail.enqueue(
            session,
            to="kim@example.org",
            template="panels_confirm",
            context={"panel": {"name": "Oak Ward\r\nBcc: victim@example.org\x00 panel"}, "link": "/"},
            now=app_state(mail_app).clock.now(),
            headers={"X-Petition": "Stop\rthe\nclosure\x00"},
        )
    await app_state(mail_app).worker.pass_once()
    first, second = sorted(smtp.messages, key=lambda m: str(m["To"]))
    assert first["To"] == "kim@example.org"
    assert first["X-Petition"] == "Stop the closure"
    assert first["Subject"] == "Confirm you want emails from Oak Ward Bcc: victim@example.org panel"
    assert "\x00" not in first.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert second["Subject"] == "Fix the lights Bcc: victim@example.org now"
    assert second["Bcc"] is None and second["X-Injected"] is None
    assert second["List-Id"] == "panel X-Injected: yes"
    assert [r.status for r in await rows(mail_app)] == [OutboxStatus.SENT, OutboxStatus.SENT]


async def test_a_refusal_for_one_recipient_fails_only_that_message(mail_app: Any, smtp: SmtpServer) -> None:
    for n in range(3):
        await queue(mail_app, f"r{n}@example.org")
    original = smtp.recorder.handle_DATA

    async def refuse_one(server: Any, session: Any, envelope: Any) -> str:
        if envelope.rcpt_tos == ["r1@example.org"]:
            return "550 No such user here"
        return await original(server, session, envelope)

    smtp.recorder.handle_DATA = refuse_one  # type: ignore[method-assign]
    await app_state(mail_app).worker.pass_once()
    statuses = {r.to_address: r.status for r in await rows(mail_app)}
    assert statuses == {
        "r0@example.org": OutboxStatus.SENT,
        "r1@example.org": OutboxStatus.FAILED,
        "r2@example.org": OutboxStatus.SENT,
    }
    assert sorted(m["To"] for m in smtp.messages) == ["r0@example.org", "r2@example.org"]


async def test_try_later_replies_retry_for_days_without_failing(
    mail_app: Any, smtp: SmtpServer, clock: FrozenClock
) -> None:
    smtp.recorder.reply = "421 Service not available"
    await queue(mail_app, "sam@example.org")
    for _ in range(40):  # 40 passes over 5 days: far more tries than any attempt limit used to allow
        await app_state(mail_app).worker.pass_once()
        clock.advance(timedelta(hours=3))
    [row] = await rows(mail_app)
    assert row.status == OutboxStatus.PENDING
    assert row.attempts == 40
    assert "421" in row.last_error
    smtp.recorder.reply = None
    await app_state(mail_app).worker.pass_once()
    assert len(smtp.messages) == 1
    assert (await rows(mail_app))[0].status == OutboxStatus.SENT


async def test_an_outage_longer_than_any_retry_schedule_loses_nothing(
    mail_app: Any, smtp: SmtpServer, clock: FrozenClock
) -> None:
    smtp.stop()
    for n in range(5):
        await queue(mail_app, f"resident{n}@example.org")
    passes = 0
    for _ in range(6 * 24 * 3):  # three days of the worker's passes, every 10 minutes
        passes += await app_state(mail_app).worker.pass_once()
        clock.advance(timedelta(minutes=10))
    assert passes > 5 * 20  # each message was tried many times
    assert all(
        r.status == OutboxStatus.PENDING and "connection" in r.last_error for r in await rows(mail_app)
    )
    during = await health(mail_app)
    assert (during.queued, during.retrying, during.failed) == (5, 5, 0)
    assert during.oldest_age(clock.now()) >= timedelta(days=3)
    smtp.start()
    clock.advance(timedelta(hours=2))  # the longest back-off
    await app_state(mail_app).worker.pass_once()
    assert sorted(m["To"] for m in smtp.messages) == [f"resident{n}@example.org" for n in range(5)]
    assert all(r.status == OutboxStatus.SENT for r in await rows(mail_app))
    after = await health(mail_app)
    assert (after.queued, after.retrying, after.failed, after.sent_last_day) == (0, 0, 0, 5)


async def test_past_the_maximum_age_a_message_fails_loudly_and_can_be_requeued(
    mail_app: Any, smtp: SmtpServer, clock: FrozenClock
) -> None:
    smtp.stop()
    await queue(mail_app, "sam@example.org")
    for _ in range(7 * 12 + 1):  # every two hours for just over seven days
        await app_state(mail_app).worker.pass_once()
        clock.advance(timedelta(hours=2))
    [row] = await rows(mail_app)
    assert row.status == OutboxStatus.FAILED
    assert row.last_error.startswith("not accepted within 7 days; last error: connection")
    report = await health(mail_app)
    assert (report.failed, report.queued) == (1, 0)
    assert report.last_error == row.last_error
    async with app_state(mail_app).db.transaction() as session:
        assert await requeue_failed(session, now=clock.now()) == 1
    smtp.start()
    await app_state(mail_app).worker.pass_once()
    assert [m["To"] for m in smtp.messages] == ["sam@example.org"]
    assert (await rows(mail_app))[0].status == OutboxStatus.SENT


async def test_a_connection_lost_mid_batch_sends_the_rest_later_exactly_once(
    mail_app: Any, smtp: SmtpServer, clock: FrozenClock
) -> None:
    for n in range(6):
        await queue(mail_app, f"r{n}@example.org")
    original = smtp.recorder.handle_DATA

    async def stop_after_three(server: Any, session: Any, envelope: Any) -> str:
        if len(smtp.messages) >= 3:
            return "421 Shutting down"  # aiosmtpd then closes the session
        return await original(server, session, envelope)

    smtp.recorder.handle_DATA = stop_after_three  # type: ignore[method-assign]
    await app_state(mail_app).worker.pass_once()
    assert len(smtp.messages) == 3
    waiting = [r for r in await rows(mail_app) if r.status == OutboxStatus.PENDING]
    assert len(waiting) == 3 and all(r.lease_owner is None for r in waiting)
    smtp.recorder.handle_DATA = original  # type: ignore[method-assign]
    clock.advance(timedelta(hours=2))
    await app_state(mail_app).worker.pass_once()
    assert sorted(m["To"] for m in smtp.messages) == [f"r{n}@example.org" for n in range(6)]


async def test_requeue_since_takes_only_messages_that_failed_from_then(
    mail_app: Any, clock: FrozenClock
) -> None:
    early, late = clock.now() - timedelta(days=3), clock.now() - timedelta(hours=1)
    await insert_raw(mail_app, "old@example.org", status=OutboxStatus.FAILED, last_attempt_at=early)
    await insert_raw(mail_app, "new@example.org", status=OutboxStatus.FAILED, last_attempt_at=late)
    async with app_state(mail_app).db.transaction() as session:
        assert await requeue_failed(session, now=clock.now(), since=clock.now() - timedelta(days=1)) == 1
    async with app_state(mail_app).db.reading() as session:
        requeued = (await session.exec(select(OutboxMessage).where(OutboxMessage.requeued_at != None))).all()  # noqa: E711
    assert [r.to_address for r in requeued] == ["new@example.org"]
    assert requeued[0].status == OutboxStatus.PENDING


async def test_admins_see_the_outbox_health_and_requeue_failed_mail_audited(
    app: Any, web: Any, make_staff: Any
) -> None:
    from civic.core.audit import AuditEntry
    from civic.core.users import Role
    from tests.conftest import PASSWORD

    await queue(app, "waiting@example.org")
    await insert_raw(app, "gone@bounce.example", status=OutboxStatus.FAILED, last_error="550 No such user")
    clerk = await make_staff(Role.PANEL_CLERK)
    await web.login(clerk.email, PASSWORD)
    assert (await web.get("/admin/outbox")).status_code == 403
    assert (await web.post_form("/admin/outbox/retry-failed")).status_code == 403
    await web.logout()
    admin = await make_staff(Role.ADMIN)
    await web.login(admin.email, PASSWORD)
    page = await web.get("/admin/outbox")
    assert page.status_code == 200
    assert 'id="outbox-queued">1<' in page.text
    assert 'id="outbox-failed">1<' in page.text
    assert "550 No such user" in page.text
    assert "…@bounce.example" in page.text and "gone@bounce.example" not in page.text
    done = await web.post_form("/admin/outbox/retry-failed")
    assert done.status_code == 303
    assert done.headers["location"] == "/admin/outbox?requeued=1"
    assert [r.status for r in await rows(app)] == [OutboxStatus.PENDING, OutboxStatus.PENDING]
    async with app_state(app).db.reading() as session:
        entries = (
            await session.exec(select(AuditEntry).where(AuditEntry.action == "mail.retry_failed"))
        ).all()
    assert [(e.actor_id, e.reason) for e in entries] == [(admin.id, "1 messages requeued")]
