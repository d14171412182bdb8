"""Browser journey for face-to-face priorities meetings, with axe-core on every page: PC Shah
advertises a meeting (a mistake first), Rosa finds it on the neighbourhood page, says she is coming
and prints the poster; after the meeting the team records the show of hands."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from civic.core.clock import SystemClock
from civic.core.localtime import input_value
from civic.core.users import Role
from civic.priorities import service
from civic.priorities.models import Category, Meeting, RoundState
from tests.browser.conftest import LiveServer, assert_accessible, sign_in
from tests.browser.test_priorities import database

pytestmark = pytest.mark.browser


async def voting_round(live_server: LiveServer) -> int:
    now = SystemClock().now()
    async with database(live_server) as db, db.transaction() as session:
        item = await service.create_round(
            session, actor=None, neighbourhood_slug="fernbridge-central", title="Meeting round",
            opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=14), choices=2, top_n=2,
            method=service.Method.APPROVAL, now=now,
        )  # fmt: skip
        for category, title in [
            (Category.SPEEDING, "Speeding on Mill Lane"),
            (Category.BURGLARY, "Shed thefts"),
        ]:
            await service.add_candidate(
                session, item, actor=None, category=category, title=title, description="", now=now
            )
        await service.transition(session, item, RoundState.VOTING_OPEN, actor=None, now=now)
    assert item.id is not None
    return item.id


async def test_a_team_advertises_a_meeting_rosa_says_she_is_coming_and_the_tally_is_recorded(
    page: Any, browser: Any, live_server: LiveServer
) -> None:
    page.set_default_timeout(20_000)
    round_id = await voting_round(live_server)
    await sign_in(page, live_server.staff[Role.POLICE])
    await page.goto(f"/priorities/manage/rounds/{round_id}")
    await page.click("text=Advertise a meeting")
    await page.wait_for_url(f"**/rounds/{round_id}/meetings/new")
    await assert_accessible(page)
    starts = SystemClock().now() + timedelta(days=7)
    await page.fill("#starts_at", input_value(starts))
    await page.fill("#ends_at", input_value(starts + timedelta(hours=2)))
    await page.fill("#place", "Mill Lane Community Centre")
    await page.fill("#address", "4 Mill Lane, Fernbridge")
    await page.check("#access")  # the first box: step-free access
    await page.check("#access-hearing_loop")
    await page.fill("#online_url", "meet.example.org/mill")  # no https: an error, not a crash
    await page.fill("#details", "What the team did\nThe vote")
    await page.click("button:has-text('Advertise the meeting')")
    assert await page.locator(".govuk-error-summary").is_visible()
    await assert_accessible(page)
    assert await page.locator("#access-hearing_loop").is_checked()  # the form keeps what was ticked
    await page.fill("#online_url", "https://meet.example.org/mill")
    await page.click("button:has-text('Advertise the meeting')")
    await page.wait_for_url(re.compile(r".*/priorities/manage/meetings/\d+$"))
    await assert_accessible(page)
    meeting_id = int(page.url.rsplit("/", 1)[1])

    rosa = await browser.new_context(base_url=live_server.url)
    resident = await rosa.new_page()
    resident.set_default_timeout(20_000)
    try:
        await resident.goto("/priorities/fernbridge-central")
        await assert_accessible(resident)
        await resident.click("text=Mill Lane Community Centre")
        await resident.wait_for_url(f"**/priorities/meetings/{meeting_id}")
        await assert_accessible(resident)
        assert await resident.locator("text=Hearing loop").count() >= 1
        await resident.click("text=Tell us you are coming")
        await assert_accessible(resident)
        await resident.fill("#party", "0")
        await resident.click("button:has-text('Send')")
        assert await resident.locator(".govuk-error-summary").is_visible()
        await assert_accessible(resident)
        await resident.fill("#party", "2")
        await resident.fill("#email", "rosa@example.org")
        await resident.click("button:has-text('Send')")
        await resident.wait_for_url("**?replied=1")
        assert await resident.locator(".govuk-notification-banner--success").is_visible()
        await assert_accessible(resident)
        await resident.click("text=Print a poster for this meeting")
        await resident.wait_for_url(f"**/meetings/{meeting_id}/poster")
        await assert_accessible(resident)
        assert await resident.locator("svg.civic-qr").count() == 1
        await resident.emulate_media(media="print")
        assert not await resident.locator(".govuk-header").is_visible()
        hidden = resident.locator(".civic-no-print")  # the poster's own links and the language switch
        assert await hidden.count() >= 1
        assert not [e for e in await hidden.all() if await e.is_visible()]
        assert await resident.locator("svg.civic-qr").is_visible()
    finally:
        await rosa.close()

    await page.reload()
    assert await page.locator("text=1 reply, 2 people in all").count() == 1
    async with database(live_server) as db, db.transaction() as session:
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        meeting.held_on = SystemClock().now() - timedelta(hours=2)  # the meeting has now taken place
        meeting.ends_at = SystemClock().now() - timedelta(minutes=5)
        session.add(meeting)
    await page.reload()
    await page.fill("#attendance", "15")
    labels = page.locator("label:has-text('Hands for Speeding on Mill Lane')")
    speeding = await labels.get_attribute("for")
    await page.fill(f"#{speeding}", "20")
    await page.click("button:has-text('Record the tally')")
    assert await page.locator(".govuk-error-summary").is_visible()  # more hands than people
    await assert_accessible(page)
    await page.fill(f"#{speeding}", "11")
    await page.fill("#note", "Speeding near the school raised by several people")
    await page.click("button:has-text('Record the tally')")
    await page.wait_for_url(f"**/manage/meetings/{meeting_id}")
    assert await page.locator("text=Tally recorded").count() == 1
    await assert_accessible(page)
    await page.goto(f"/priorities/meetings/{meeting_id}")
    assert await page.locator("text=15 people came").count() == 1
    await assert_accessible(page)
