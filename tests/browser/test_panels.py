"""Community panels in a real browser, with axe-core on every page visited: a clerk sets up a panel,
publishes an agenda about a petition, moves the meeting and adds an urgent item, then records a
meeting (attendance, a declaration, a recorded vote, a decision), and the next meeting approves the
minutes, which the public then reads."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.db import Database
from civic.core.localtime import LONDON
from civic.core.users import Role
from civic.panels import service, service_membership, service_minutes
from civic.panels.links import MINUTES_KIND
from civic.panels.models import AreaKind, MemberRole, Panel, PanelMeeting, PanelMember
from tests.browser.conftest import LiveServer, assert_accessible, sign_in

pytestmark = pytest.mark.browser


@asynccontextmanager
async def database(live_server: LiveServer, write: bool = True) -> AsyncIterator[AsyncSession]:
    """A short-lived connection to the live server's database, closed afterwards."""
    db = Database(live_server.settings.database_url)
    try:
        async with db.transaction() if write else db.reading() as session:
            yield session
    finally:
        await db.dispose()


async def submit(page: Any, button: str) -> None:
    async with page.expect_navigation():
        await page.click(f"button:has-text('{button}')")
    await assert_accessible(page)


async def test_clara_sets_up_a_panel_and_publishes_an_agenda_about_a_petition(
    page: Any, live_server: LiveServer
) -> None:
    await sign_in(page, live_server.staff[Role.PANEL_CLERK])
    await page.click("text=Community panels: meetings and records")
    await assert_accessible(page)
    await submit(page, "Create panel")  # empty: errors, not a crash
    assert await page.locator(".govuk-error-summary").count() == 1
    await page.fill("#name", "Riverside Ward Forum")
    await page.select_option("#area_kind", "ward")
    await page.select_option("#area_code", "E05900006")
    await page.fill("#purpose", "Residents and the council meet to agree local priorities.")
    await page.fill("#meeting_frequency", "Every two months")
    await page.fill("#quorum_rule", "3")
    await submit(page, "Create panel")
    for name, role in (("Maya Patel", "chair"), ("Owen Hughes", "member"), ("Grace Lin", "member")):
        await page.fill("#member-name", name)
        await page.select_option("#member-role", role)
        await page.fill("#member-starts_on", "2026-01-01")
        await submit(page, "Add member")
    day = (datetime.now(UTC) + timedelta(days=14)).astimezone(LONDON).date().isoformat()
    await page.fill("#day", day)
    await page.fill("#time", "18:30")
    await page.fill("#place", "Riverside Community Centre")
    await submit(page, "Schedule meeting")
    await page.fill("#title", "Petition: Keep the riverside toilets open")
    await page.fill("#body", "A petition signed by 640 residents.")
    await page.select_option("#link_kind", "petition")
    await page.fill("#link_ref", "7")
    await page.fill("#link_label", "Keep the riverside toilets open")
    await submit(page, "Add item")
    await submit(page, "Publish agenda")
    # the centre is double-booked: Clara moves the meeting a day later and adds an urgent item
    await submit(page, "Move meeting")  # no reason given: errors, not a crash
    assert await page.locator(".govuk-error-summary a[href='#move-reason']").count() == 1
    await page.fill("#move-day", (date.fromisoformat(day) + timedelta(days=1)).isoformat())
    await page.fill("#move-reason", "The community centre is double-booked")
    await submit(page, "Move meeting")
    await page.fill("#late_reason", "The centre closes next month")
    await page.fill("#title", "Finding a new venue")
    await submit(page, "Add item")
    await page.click("text=See the public page")
    await page.wait_for_load_state()
    await assert_accessible(page)
    assert await page.locator("a[href='/petitions/7']").count() == 1
    assert await page.locator("text=Moved from").count() == 1
    assert await page.locator("text=Added after the agenda was published: The centre closes").count() == 1
    await page.click("text=Riverside Ward Forum")
    await page.wait_for_load_state()
    await assert_accessible(page)
    await page.click("text=Get an email when it publishes")
    await page.wait_for_load_state()
    await assert_accessible(page)
    await submit(page, "Subscribe")
    assert await page.locator(".govuk-error-summary").count() == 1
    await page.goto("/panels")
    await assert_accessible(page)


async def _seed(live_server: LiveServer) -> tuple[int, dict[str, int]]:
    """A panel whose meeting started five minutes ago, its agenda published three weeks ago."""
    now = datetime.now(UTC)
    past = now - timedelta(days=21)
    async with database(live_server) as session:
        panel = await service_membership.create_panel(
            session, actor=None, now=past, name="Docks Youth Panel", area_kind=AreaKind.COUNCIL, area_name="Fernbridge",
            purpose="Young people decide on youth services.", meeting_frequency="Monthly", quorum_rule="1/2",
        )  # fmt: skip
        ids = {}
        for name, role in (("Zara Ali", MemberRole.CHAIR), ("Ben Cole", MemberRole.MEMBER),
                           ("Kai Evans", MemberRole.MEMBER), ("Lily Ford", MemberRole.MEMBER)):  # fmt: skip
            member = await service_membership.add_member(
                session,
                panel,
                actor=None,
                now=past,
                name=name,
                role=role,
                voting=True,
                starts_on=date(2026, 1, 1),
            )
            ids[name] = member.id or 0
        meeting = await service.schedule_meeting(
            session,
            panel,
            actor=None,
            now=past,
            starts_at=now - timedelta(minutes=5),
            place="Docks Youth Centre",
        )
        await service.add_item(session, meeting, actor=None, now=past, title="Skate park lighting")
        await service.publish_agenda(session, meeting, actor=None, now=past)
    return meeting.id or 0, ids


async def _seed_next_meeting(live_server: LiveServer, first: int) -> int:
    now = datetime.now(UTC)
    async with database(live_server) as session:
        _, panel = await service.get_meeting(session, first)
        later = await service.schedule_meeting(
            session,
            panel,
            actor=None,
            now=now - timedelta(days=10),
            starts_at=now - timedelta(minutes=1),
            place="Docks",
        )
        await service.add_item(
            session, later, actor=None, now=now - timedelta(days=10), title="Minutes of the last meeting",
            links=[(MINUTES_KIND, str(first), "Minutes")],
        )  # fmt: skip
        await service.publish_agenda(session, later, actor=None, now=now - timedelta(days=10))
    return later.id or 0


async def test_clara_records_a_meeting_and_the_next_meeting_approves_the_minutes(
    page: Any, live_server: LiveServer
) -> None:
    first, ids = await _seed(live_server)
    await sign_in(page, live_server.staff[Role.PANEL_CLERK])
    await page.goto(f"/panels/manage/meetings/{first}")
    await assert_accessible(page)
    await submit(page, "Open the meeting record")
    for name in ("Zara Ali", "Ben Cole", "Kai Evans", "Lily Ford"):
        await page.select_option(f"#status-{ids[name]}", "present")
    await submit(page, "Save attendance")
    assert await page.locator("text=Quorate").count() == 1
    await page.select_option("#member", str(ids["Kai Evans"]))
    await page.fill("#nature", "His brother runs the skate park")
    await page.select_option("#action", "left_room")
    await submit(page, "Record declaration")
    await page.fill("#text", "That the panel funds new lighting at the skate park")
    await page.select_option("#proposer", str(ids["Zara Ali"]))
    await page.select_option("#seconder", str(ids["Ben Cole"]))
    await page.select_option("#recorded", "yes")
    await page.select_option(f"#vote-{ids['Kai Evans']}", "for")  # withdrew: refused
    await page.select_option(f"#vote-{ids['Zara Ali']}", "for")
    await submit(page, "Record motion and vote")
    assert await page.locator(".govuk-error-summary").count() == 1
    await page.select_option(f"#vote-{ids['Kai Evans']}", "")
    await page.select_option(f"#vote-{ids['Zara Ali']}", "for")
    await page.select_option(f"#vote-{ids['Ben Cole']}", "for")
    await page.select_option(f"#vote-{ids['Lily Ford']}", "against")
    await page.fill("#text", "That the panel funds new lighting at the skate park")
    await page.select_option("#proposer", str(ids["Zara Ali"]))
    await page.select_option("#seconder", str(ids["Ben Cole"]))
    await page.select_option("#recorded", "yes")
    await submit(page, "Record motion and vote")
    await page.select_option("#motion", index=1)
    await page.fill("#decision-text", "Fund LED lighting at the skate park")
    await page.fill("#reasons", "Young people feel unsafe there after dark")
    await page.fill("#alternatives", "Earlier closing time")
    await page.fill("#decision-action", "Order the lighting")
    await page.fill("#owner", "Parks team")
    await submit(page, "Record decision")
    await submit(page, "Close the record and draft the minutes")
    later = await _seed_next_meeting(live_server, first)
    await page.goto(f"/panels/manage/meetings/{later}")
    await submit(page, "Open the meeting record")
    for name in ("Zara Ali", "Ben Cole", "Lily Ford"):
        await page.select_option(f"#status-{ids[name]}", "present")
    await submit(page, "Save attendance")
    await page.fill("#text", "That the minutes be approved as a correct record")
    await page.select_option("#proposer", str(ids["Ben Cole"]))
    await page.select_option("#seconder", str(ids["Lily Ford"]))
    await page.fill("#for", "3")
    await submit(page, "Record motion and vote")
    await page.goto(f"/panels/manage/meetings/{first}")
    await assert_accessible(page)
    await submit(page, "Publish minutes")
    await page.goto(f"/panels/meetings/{first}")
    await assert_accessible(page)
    for text in ("Recorded vote", "His brother runs the skate park", "Approved as a correct record"):
        assert await page.locator(f"text={text}").count() >= 1, text
    await page.click("text=Fund LED lighting at the skate park")
    await page.wait_for_load_state()
    await assert_accessible(page)
    async with database(live_server, write=False) as session:
        meeting = await session.get(PanelMeeting, first)
        assert meeting is not None and meeting.state.value == "published"
        assert len(await service_minutes.versions_of(session, meeting)) == 1
        assert (await session.exec(select(Panel).where(Panel.name == "Docks Youth Panel"))).one()
        assert (
            len(
                (
                    await session.exec(select(PanelMember).where(PanelMember.panel_id == meeting.panel_id))
                ).all()
            )
            == 4
        )


async def test_subscribing_works_without_javascript(page_without_js: Any, live_server: LiveServer) -> None:
    first, _ = await _seed(live_server)
    async with database(live_server, write=False) as session:
        meeting = await session.get(PanelMeeting, first)
        assert meeting is not None
        panel = await session.get(Panel, meeting.panel_id)
        assert panel is not None
    await page_without_js.goto(f"/panels/{panel.slug}/subscribe")
    await page_without_js.fill("#email", "no-js@example.org")
    async with page_without_js.expect_navigation():
        await page_without_js.click("button:has-text('Subscribe')")
    assert "Check your email" in await page_without_js.content()
