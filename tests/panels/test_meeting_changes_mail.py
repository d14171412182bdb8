"""Emails about a moved meeting, through the outbox to the real SMTP test server: only subscribers who
were sent the agenda hear of it, each once per change, with the panel emails' unsubscribe link."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlmodel import select

from civic.core.clock import FrozenClock
from civic.core.db import row_id
from civic.core.state import app_state
from civic.core.users import Role
from civic.panels import service, service_membership, service_subscriptions
from civic.panels.models import (
    AgendaItem,
    AreaKind,
    MeetingChange,
    Panel,
    PanelSubscription,
    SubscriptionStatus,
)
from tests.conftest import PASSWORD, SECRET, StaffFactory
from tests.support.smtp import SmtpServer, body_of
from tests.support.web import WebClient


@pytest.fixture
async def clerk_web(mail_app: Any) -> AsyncIterator[WebClient]:
    transport = httpx.ASGITransport(app=mail_app, client=("203.0.113.21", 51000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield WebClient(client, SECRET)


def subscriber(panel: Panel, email: str, now: Any) -> PanelSubscription:
    return PanelSubscription(
        panel_id=row_id(panel),
        email=email,
        email_hash=email,
        status=SubscriptionStatus.CONFIRMED,
        created_at=now,
    )


async def test_sam_who_had_the_agenda_hears_the_meeting_moved_and_priya_who_joined_later_does_not(
    mail_app: Any, clerk_web: WebClient, make_staff: StaffFactory, smtp: SmtpServer, clock: FrozenClock
) -> None:
    db = app_state(mail_app).db
    async with db.transaction() as session:
        panel = await service_membership.create_panel(
            session, actor=None, now=clock.now(), name="Youth Panel", area_kind=AreaKind.COUNCIL, area_name="All",
            purpose="Young people decide.", meeting_frequency="Monthly", quorum_rule="2",
        )  # fmt: skip
        session.add(subscriber(panel, "sam@example.org", clock.now()))
        meeting = await service.schedule_meeting(
            session,
            panel,
            actor=None,
            now=clock.now(),
            starts_at=clock.now() + timedelta(days=10),
            place="Hub",
        )
        await service.add_item(session, meeting, actor=None, now=clock.now(), title="Skate park")
    clara = await make_staff(Role.PANEL_CLERK)
    await clerk_web.login(clara.email, PASSWORD)
    base = f"/panels/manage/meetings/{meeting.id}"
    assert (await clerk_web.post_form(f"{base}/publish-agenda")).status_code == 303
    async with db.transaction() as session:
        session.add(subscriber(panel, "priya@example.org", clock.now()))
    move = {"day": "2026-12-09", "time": "18:30", "place": "Town Hall", "reason": "The hub is being rewired"}
    assert (await clerk_web.post_form(f"{base}/reschedule", move)).status_code == 303
    await app_state(mail_app).worker.pass_once()

    (moved,) = [m for m in smtp.to("sam@example.org") if "has moved" in m["Subject"]]
    assert (
        " ".join(str(moved["Subject"]).split())
        == "Youth Panel: the meeting on 2 December 2026 has moved to 9 December 2026"
    )
    body = body_of(moved)
    assert "It will now be on 9 December 2026 at 6:30pm at Town Hall." in body
    assert "Reason: The hub is being rewired" in body
    assert f"http://testserver/panels/meetings/{meeting.id}" in body
    unsubscribe = str(moved["List-Unsubscribe"]).strip("<>")
    assert (
        unsubscribe.startswith("http://testserver/panels/subscriptions/unsubscribe?token=")
        and unsubscribe in body
    )
    assert smtp.to("priya@example.org") == []

    async with db.transaction() as session:  # queuing the same change again sends nothing more
        change = (await session.exec(select(MeetingChange))).one()
        meeting, panel = await service.get_meeting(session, row_id(meeting))
        again = await service_subscriptions.notify_change(
            session,
            panel,
            meeting,
            change,
            settings=app_state(mail_app).settings,
            mail=app_state(mail_app).mail,
            now=clock.now(),
        )
    assert again == 0

    place_only = move | {"place": "Town Hall, Room 2", "reason": "A bigger room"}
    assert (await clerk_web.post_form(f"{base}/reschedule", place_only)).status_code == 303
    await app_state(mail_app).worker.pass_once()
    changed = [m for m in smtp.to("sam@example.org") if "has changed" in m["Subject"]]
    assert len(changed) == 1 and "Town Hall, Room 2" in body_of(changed[0])
    assert len([m for m in smtp.to("sam@example.org") if "has moved" in m["Subject"]]) == 1
    assert smtp.to("priya@example.org") == []


async def test_nobody_is_emailed_when_a_meeting_moves_before_its_agenda_is_published(
    mail_app: Any, clerk_web: WebClient, make_staff: StaffFactory, smtp: SmtpServer, clock: FrozenClock
) -> None:
    db = app_state(mail_app).db
    async with db.transaction() as session:
        panel = await service_membership.create_panel(
            session, actor=None, now=clock.now(), name="Ward Forum", area_kind=AreaKind.COUNCIL, area_name="All",
            purpose="Residents decide.", meeting_frequency="Monthly", quorum_rule="2",
        )  # fmt: skip
        session.add(subscriber(panel, "sam@example.org", clock.now()))
        meeting = await service.schedule_meeting(
            session,
            panel,
            actor=None,
            now=clock.now(),
            starts_at=clock.now() + timedelta(days=10),
            place="Hub",
        )
    clara = await make_staff(Role.PANEL_CLERK)
    await clerk_web.login(clara.email, PASSWORD)
    move = {"day": "2026-12-03", "time": "19:00", "place": "Hub", "reason": "Avoids the school holidays"}
    assert (
        await clerk_web.post_form(f"/panels/manage/meetings/{meeting.id}/reschedule", move)
    ).status_code == 303
    await app_state(mail_app).worker.pass_once()
    assert smtp.to("sam@example.org") == []


async def agenda_sent_to_sam_then_priya_joins(
    mail_app: Any, clerk_web: WebClient, make_staff: StaffFactory, clock: FrozenClock
) -> tuple[str, Any]:
    """A Ward Forum meeting whose agenda (item "Bins") went to Sam; Priya subscribes afterwards.
    Returns the clerk's base path for the meeting, and the meeting; the clerk is signed in."""
    db = app_state(mail_app).db
    async with db.transaction() as session:
        panel = await service_membership.create_panel(
            session, actor=None, now=clock.now(), name="Ward Forum", area_kind=AreaKind.COUNCIL, area_name="All",
            purpose="Residents meet.", meeting_frequency="Monthly", quorum_rule="2",
        )  # fmt: skip
        session.add(subscriber(panel, "sam@example.org", clock.now()))
        meeting = await service.schedule_meeting(
            session,
            panel,
            actor=None,
            now=clock.now(),
            starts_at=clock.now() + timedelta(days=10),
            place="Hub",
        )
        await service.add_item(session, meeting, actor=None, now=clock.now(), title="Bins")
    clara = await make_staff(Role.PANEL_CLERK)
    await clerk_web.login(clara.email, PASSWORD)
    base = f"/panels/manage/meetings/{meeting.id}"
    assert (await clerk_web.post_form(f"{base}/publish-agenda")).status_code == 303
    async with db.transaction() as session:
        session.add(subscriber(panel, "priya@example.org", clock.now()))
    return base, meeting


async def test_a_cancellation_reaches_those_who_had_the_agenda_and_not_later_subscribers(
    mail_app: Any, clerk_web: WebClient, make_staff: StaffFactory, smtp: SmtpServer, clock: FrozenClock
) -> None:
    base, _meeting = await agenda_sent_to_sam_then_priya_joins(mail_app, clerk_web, make_staff, clock)
    cancel = {"cancel_reason": "The chair is ill"}
    assert (await clerk_web.post_form(f"{base}/cancel", cancel)).status_code == 303
    await app_state(mail_app).worker.pass_once()
    assert len([m for m in smtp.to("sam@example.org") if "is cancelled" in m["Subject"]]) == 1
    assert smtp.to("priya@example.org") == []


async def test_a_late_item_and_a_withdrawal_are_each_emailed_once_to_those_who_had_the_agenda(
    mail_app: Any, clerk_web: WebClient, make_staff: StaffFactory, smtp: SmtpServer, clock: FrozenClock
) -> None:
    db = app_state(mail_app).db
    base, meeting = await agenda_sent_to_sam_then_priya_joins(mail_app, clerk_web, make_staff, clock)
    late = {"title": "Flooding on Mill Road", "late_reason": "The road flooded on Monday"}
    assert (await clerk_web.post_form(f"{base}/items", late)).status_code == 303
    async with db.reading() as session:
        items = (await session.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id))).all()
    bins = next(i for i in items if i.title == "Bins")
    withdraw = {"withdrawn_reason": "The contract decision is delayed"}
    assert (await clerk_web.post_form(f"{base}/items/{bins.id}/withdraw", withdraw)).status_code == 303
    assert (await clerk_web.post_form(f"{base}/items/{bins.id}/withdraw", withdraw)).status_code == 409
    await app_state(mail_app).worker.pass_once()

    added = [m for m in smtp.to("sam@example.org") if "is added to the agenda" in m["Subject"]]
    withdrawn = [m for m in smtp.to("sam@example.org") if "is withdrawn from the agenda" in m["Subject"]]
    assert len(added) == 1 and len(withdrawn) == 1
    assert "Flooding on Mill Road" in body_of(added[0]) and "The road flooded on Monday" in body_of(added[0])
    assert '"Bins"' in body_of(withdrawn[0]) and "The contract decision is delayed" in body_of(withdrawn[0])
    assert "/panels/subscriptions/unsubscribe?token=" in body_of(withdrawn[0])
    assert smtp.to("priya@example.org") == []
