"""Journeys over HTTP, with the real SMTP server for the subscriber's emails."""

from __future__ import annotations

import csv
import io
import re
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
from civic.panels.models import Panel, PanelMeeting, PanelMember, PanelSubscription
from tests.conftest import PASSWORD, SECRET, StaffFactory
from tests.support.smtp import SmtpServer, body_of
from tests.support.web import WebClient

LINK = re.compile(r"http://testserver(/panels/subscriptions/\w+\?token=\S+)")


@pytest.fixture
async def clerk_web(mail_app: Any) -> AsyncIterator[WebClient]:
    transport = httpx.ASGITransport(app=mail_app, client=("203.0.113.20", 51000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield WebClient(client, SECRET)


@pytest.fixture
async def resident_web(mail_app: Any) -> AsyncIterator[WebClient]:
    transport = httpx.ASGITransport(app=mail_app, client=("198.51.100.30", 52000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield WebClient(client, SECRET)


async def ok(response: httpx.Response, status: int = 303) -> httpx.Response:
    assert response.status_code == status, response.text[:3000]
    assert not response.headers.get("location", "").startswith("/login")
    return response


async def ids(mail_app: Any) -> tuple[Panel, dict[str, int], list[PanelMeeting]]:
    async with app_state(mail_app).db.reading() as session:
        panel = (await session.exec(select(Panel))).one()
        members = {m.name: m.id for m in (await session.exec(select(PanelMember))).all()}
        meetings = list((await session.exec(select(PanelMeeting).order_by(PanelMeeting.starts_at))).all())
    return panel, members, meetings


def link_in(smtp: SmtpServer, to: str, subject_part: str) -> str:
    found = [m for m in smtp.to(to) if subject_part in m["Subject"]]
    assert len(found) == 1, [m["Subject"] for m in smtp.to(to)]
    match = LINK.search(body_of(found[0]))
    assert match
    return match.group(1)


async def test_clara_runs_a_meeting_and_priya_gets_the_decisions_by_email(
    mail_app: Any,
    clerk_web: WebClient,
    resident_web: WebClient,
    make_staff: StaffFactory,
    clock: FrozenClock,
    smtp: SmtpServer,
) -> None:
    clara = await make_staff(Role.PANEL_CLERK, name="Clara Clerk")
    await clerk_web.login(clara.email, PASSWORD)
    # Clara sets up the panel and its members
    await ok(
        await clerk_web.post_form(
            "/panels/manage",
            {
                "name": "Fernbridge Central Community Panel",
                "area_kind": "ward",
                "area_code": "E05900006",
                "purpose": "Residents hold local services to account.",
                "meeting_frequency": "Monthly",
                "quorum_rule": "1/2",
            },
        )
    )
    panel, _, _ = await ids(mail_app)
    roster = [
        ("Joan Okafor", "chair"),
        ("Ravi Menon", "vice_chair"),
        ("Tom Price", "member"),
        ("Aisha Begum", "member"),
        ("Dev Sharma", "co_opted"),
        ("Insp. Lee Grant", "adviser"),
    ]
    for name, role in roster:
        await ok(
            await clerk_web.post_form(
                f"/panels/manage/{panel.slug}/members",
                {"name": name, "role": role, "voting": "yes", "starts_on": "2026-01-01"},
            )
        )
    # Priya subscribes and confirms through the page the email links to
    await ok(await resident_web.post_form(f"/panels/{panel.slug}/subscribe", {"email": "priya@example.org"}))
    await app_state(mail_app).worker.pass_once()
    confirm = link_in(smtp, "priya@example.org", "Confirm")
    page = await ok(await resident_web.get(confirm), 200)
    assert "Confirm subscription" in page.text
    token = confirm.split("token=")[1]
    await ok(await resident_web.post_form("/panels/subscriptions/confirm", {"token": token}))
    # Clara schedules a meeting and publishes its agenda, with an item about a petition
    await ok(
        await clerk_web.post_form(
            f"/panels/manage/{panel.slug}/meetings",
            {"day": "2026-12-02", "time": "18:30", "place": "Fernbridge Library"},
        )
    )
    panel, members, meetings = await ids(mail_app)
    first = meetings[0].id
    base = f"/panels/manage/meetings/{first}"
    await ok(
        await clerk_web.post_form(
            f"{base}/items",
            {
                "title": "Petition: Save Fernbridge Library",
                "body": "The petition has 1,204 signatures.",
                "exempt": "no",
                "link_kind": "petition",
                "link_ref": "42",
                "link_label": "Save Fernbridge Library",
            },
        )
    )
    await ok(
        await clerk_web.post_form(
            f"{base}/items",
            {
                "title": "Grant to a named resident",
                "body": "Secret details",
                "exempt": "yes",
                "exempt_reason": "Personal information",
            },
        )
    )
    await ok(await clerk_web.post_form(f"{base}/publish-agenda"))
    public = await ok(await resident_web.get(f"/panels/meetings/{first}"), 200)
    assert "Save Fernbridge Library" in public.text and 'href="/petitions/42"' in public.text
    assert "Grant to a named resident" in public.text and "Secret details" not in public.text
    # The meeting: attendance, a declaration, a recorded vote and a decision
    clock.set(meetings[0].starts_at + timedelta(minutes=5))
    await clerk_web.login(clara.email, PASSWORD)  # a staff session does not last ten days
    await ok(await clerk_web.post_form(f"{base}/hold"))
    statuses = {"Joan Okafor": "present", "Ravi Menon": "present", "Tom Price": "present", "Aisha Begum": "apologies",
                "Dev Sharma": "present", "Insp. Lee Grant": "present"}  # fmt: skip
    await ok(
        await clerk_web.post_form(
            f"{base}/attendance", {f"status-{members[n]}": s for n, s in statuses.items()}
        )
    )
    item = (await clerk_web.get(base)).text
    item_id = re.search(r'<option value="(\d+)"[^>]*>1\. Petition', item)
    assert item_id
    await ok(
        await clerk_web.post_form(
            f"{base}/declarations",
            {
                "member": members["Tom Price"],
                "item": item_id.group(1),
                "nature": "He organised the petition",
                "action": "left_room",
            },
        )
    )
    vote = {
        "item": item_id.group(1),
        "text": "That the panel asks the council to keep the library open",
        "proposer": members["Joan Okafor"],
        "seconder": members["Ravi Menon"],
        "recorded": "yes",
        f"vote-{members['Joan Okafor']}": "for",
        f"vote-{members['Ravi Menon']}": "for",
        f"vote-{members['Dev Sharma']}": "against",
        f"vote-{members['Tom Price']}": "for",
    }
    refused = await ok(await clerk_web.post_form(f"{base}/motions", vote), 422)
    assert "declared an interest and withdrew" in refused.text, re.findall(
        r"error-message[^<]*<span[^>]*>[^<]*</span>([^<]*)", refused.text
    )
    del vote[f"vote-{members['Tom Price']}"]
    await ok(await clerk_web.post_form(f"{base}/motions", vote))
    page = (await clerk_web.get(base)).text
    motion_id = re.search(r'<option value="(\d+)"[^>]*>That the panel asks', page)
    assert motion_id and "carried" in page
    await ok(
        await clerk_web.post_form(
            f"{base}/decisions",
            {
                "item": item_id.group(1),
                "motion": motion_id.group(1),
                "text": "Ask the council to keep Fernbridge Library open",
                "reasons": "It is the only free study space in the ward",
                "alternatives": "A mobile library; shorter opening hours",
                "action": "Write to the cabinet member",
                "owner": "Panel chair",
                "due_on": "2026-12-20",
            },
        )
    )
    await ok(await clerk_web.post_form(f"{base}/draft-minutes"))
    # The next meeting approves the minutes by a vote
    await ok(
        await clerk_web.post_form(
            f"/panels/manage/{panel.slug}/meetings",
            {"day": "2027-01-06", "time": "18:30", "place": "Fernbridge Library"},
        )
    )
    _, _, meetings = await ids(mail_app)
    second = meetings[1].id
    await ok(
        await clerk_web.post_form(
            f"/panels/manage/meetings/{second}/items",
            {"title": "Minutes of the last meeting", "approves": str(first)},
        )
    )
    await ok(await clerk_web.post_form(f"/panels/manage/meetings/{second}/publish-agenda"))
    clock.set(meetings[1].starts_at)
    await clerk_web.login(clara.email, PASSWORD)
    await ok(await clerk_web.post_form(f"/panels/manage/meetings/{second}/hold"))
    await ok(
        await clerk_web.post_form(
            f"/panels/manage/meetings/{second}/attendance",
            {f"status-{members[n]}": "present" for n in ("Joan Okafor", "Tom Price", "Aisha Begum")},
        )
    )
    page = (await clerk_web.get(f"/panels/manage/meetings/{second}")).text
    approval_item = re.search(r'<option value="(\d+)"[^>]*>1\. Minutes', page)
    assert approval_item
    await ok(
        await clerk_web.post_form(
            f"/panels/manage/meetings/{second}/motions",
            {"item": approval_item.group(1), "text": "That the minutes be approved", "proposer": members["Tom Price"],
             "seconder": members["Aisha Begum"], "recorded": "no", "for": "3", "against": "0", "abstain": "0"},
        )
    )  # fmt: skip
    await ok(await clerk_web.post_form(f"{base}/publish-minutes"))
    await ok(await clerk_web.post_form(f"{base}/publish-minutes"), 409)  # once only
    await app_state(mail_app).worker.pass_once()
    subjects = [m["Subject"] for m in smtp.to("priya@example.org")]
    assert sum("minutes and decisions" in s for s in subjects) == 1
    assert sum("agenda for" in s for s in subjects) == 2
    decisions_mail = next(m for m in smtp.to("priya@example.org") if "decisions" in m["Subject"])
    assert "Ask the council to keep Fernbridge Library open" in body_of(decisions_mail)
    assert decisions_mail["List-Unsubscribe"]
    # What the public sees
    meeting_page = (await resident_web.get(f"/panels/meetings/{first}")).text
    for expected in ("Recorded vote", "He organised the petition", "Left the room", "Sent apologies",
                     "Approved as a correct record", "Version 1", "Carried"):  # fmt: skip
        assert expected in meeting_page, expected
    panel_page = (await resident_web.get(f"/panels/{panel.slug}")).text
    assert "Write to the cabinet member" in panel_page and "Insp. Lee Grant" in panel_page
    data = (await resident_web.get("/panels/decisions.json")).json()
    assert data["data"][0]["outcome"] == "carried" and data["data"][0]["votes_for"] == 2
    assert "licence" in data
    rows = list(csv.DictReader(io.StringIO((await resident_web.get("/panels/decisions.csv")).text)))
    assert rows[0]["decision"] == "Ask the council to keep Fernbridge Library open"
    for path in ("/panels/decisions.json", "/panels/meetings.csv", f"/panels/{panel.slug}/feed.atom"):
        text = (await resident_web.get(path)).text
        assert "priya@" not in text and "@council.example" not in text
    # Priya unsubscribes; her address is erased
    unsubscribe = LINK.search(body_of(decisions_mail))
    assert unsubscribe and "unsubscribe" in unsubscribe.group(1)
    await ok(await resident_web.get(unsubscribe.group(1)), 200)
    await ok(
        await resident_web.post_form(
            "/panels/subscriptions/unsubscribe", {"token": unsubscribe.group(1).split("token=")[1]}
        ),
        200,
    )
    async with app_state(mail_app).db.reading() as session:
        subscription = (await session.exec(select(PanelSubscription))).one()
    assert subscription.status.value == "ended" and subscription.email == ""


async def test_sam_hears_when_a_meeting_whose_agenda_he_had_is_cancelled(
    mail_app: Any,
    clerk_web: WebClient,
    make_staff: StaffFactory,
    smtp: SmtpServer,
    clock: FrozenClock,
) -> None:
    from civic.panels import service, service_membership
    from civic.panels.models import AreaKind, SubscriptionStatus

    async with app_state(mail_app).db.transaction() as session:
        panel = await service_membership.create_panel(
            session, actor=None, now=clock.now(), name="Youth Panel", area_kind=AreaKind.COUNCIL, area_name="All",
            purpose="Young people decide.", meeting_frequency="Monthly", quorum_rule="2",
        )  # fmt: skip
        session.add(
            PanelSubscription(
                panel_id=row_id(panel), email="sam@example.org", email_hash="h",
                status=SubscriptionStatus.CONFIRMED, created_at=clock.now(),
            )
        )  # fmt: skip
        unannounced = await service.schedule_meeting(
            session,
            panel,
            actor=None,
            now=clock.now(),
            starts_at=clock.now() + timedelta(days=20),
            place="Hub",
        )
        announced = await service.schedule_meeting(
            session,
            panel,
            actor=None,
            now=clock.now(),
            starts_at=clock.now() + timedelta(days=10),
            place="Hub",
        )
        await service.add_item(session, announced, actor=None, now=clock.now(), title="Skate park")
    clara = await make_staff(Role.PANEL_CLERK)
    await clerk_web.login(clara.email, PASSWORD)
    await ok(await clerk_web.post_form(f"/panels/manage/meetings/{announced.id}/publish-agenda"))
    for meeting in (unannounced, announced):
        response = await clerk_web.post_form(
            f"/panels/manage/meetings/{meeting.id}/cancel", {"cancel_reason": "The hall is flooded"}
        )
        assert response.status_code == 303
    await app_state(mail_app).worker.pass_once()
    subjects = [m["Subject"] for m in smtp.to("sam@example.org")]
    assert sum("agenda for" in s for s in subjects) == 1
    cancelled = [m for m in smtp.to("sam@example.org") if "is cancelled" in m["Subject"]]
    assert len(cancelled) == 1 and "The hall is flooded" in body_of(cancelled[0])
