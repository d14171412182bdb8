"""Browser journeys for voting on police priorities without an email, with axe-core on every page:
the printable paper ballot (screen and print), a bundle typed in by two officers with a difference
settled and counted, and a member of staff recording a vote for a resident who is given a reference."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from civic.core.clock import SystemClock
from civic.core.db import row_id
from civic.core.users import Role
from civic.priorities import service
from civic.priorities.models import Category, Method, RoundState
from tests.browser.conftest import LiveServer, assert_accessible, sign_in
from tests.browser.test_priorities import database

pytestmark = pytest.mark.browser

ISSUES = [
    (Category.SPEEDING, "Speeding on Mill Lane"),
    (Category.BIKE_THEFT, "Bike theft at the station"),
    (Category.CRIMINAL_DAMAGE, "Graffiti in the underpass"),
]


async def open_round(live_server: LiveServer, title: str) -> tuple[int, list[int]]:
    """A round open for voting in Fernbridge Central, made through the real services."""
    now = SystemClock().now()
    async with database(live_server) as db, db.transaction() as session:
        item = await service.create_round(
            session, actor=None, neighbourhood_slug="fernbridge-central", title=title,
            opens_at=now - timedelta(minutes=5), closes_at=now + timedelta(days=14), choices=2, top_n=2,
            method=Method.APPROVAL, now=now,
        )  # fmt: skip
        ids = [
            row_id(
                await service.add_candidate(
                    session, item, actor=None, category=c, title=t, description="", now=now
                )
            )
            for c, t in ISSUES
        ]
        await service.transition(session, item, RoundState.VOTING_OPEN, actor=None, now=now)
    return row_id(item), ids


async def test_the_paper_ballot_prints_with_numbered_issues_and_a_qr_code(
    page: Any, live_server: LiveServer
) -> None:
    page.set_default_timeout(20_000)
    round_id, _ids = await open_round(live_server, "Paper ballot round")
    await page.goto(f"/priorities/rounds/{round_id}")
    await assert_accessible(page)
    await page.click("text=Print a paper ballot")
    await page.wait_for_url(f"**/priorities/rounds/{round_id}/ballot")
    await assert_accessible(page)
    assert await page.locator("svg.civic-qr").count() == 1
    first_table = page.locator(".civic-sheet-table").first
    assert await first_table.locator("tbody tr").count() == len(ISSUES)
    await page.emulate_media(media="print")
    assert not await page.locator(".govuk-header").is_visible()
    assert await page.locator("svg.civic-qr").is_visible()


async def _enter(browser: Any, live_server: LiveServer, email: str, url: str, lines: str) -> None:
    """One officer's entry, in a browser of their own."""
    context = await browser.new_context(base_url=live_server.url, java_script_enabled=True)
    page = await context.new_page()
    page.set_default_timeout(20_000)
    try:
        await sign_in(page, email)
        await page.goto(url)
        await assert_accessible(page)
        await page.fill("#lines", lines)
        await page.click("button:has-text('Save entry')")
        await page.wait_for_url(live_server.url + url)
        await assert_accessible(page)
    finally:
        await context.close()


async def test_two_officers_type_a_bundle_settle_a_difference_and_count_it(
    page: Any, browser: Any, live_server: LiveServer
) -> None:
    page.set_default_timeout(20_000)
    round_id, _ids = await open_round(live_server, "Paper bundle round")
    await sign_in(page, live_server.staff[Role.POLICE])
    await page.goto(f"/priorities/manage/rounds/{round_id}")
    await page.click("text=Paper ballots: type in bundles")
    await assert_accessible(page)
    await page.fill("#label", "Library ballot box")
    await page.fill("#sheets", "x")
    await page.click("button:has-text('Start bundle')")
    assert await page.locator(".govuk-error-summary").is_visible()
    await assert_accessible(page)
    await page.fill("#sheets", "3")
    await page.click("button:has-text('Start bundle')")
    await page.wait_for_url("**/paper/*")
    url = page.url.removeprefix(live_server.url)
    lines = "1 2 / FB6 1UU\n3 / FB1 1AA\n-"
    await _enter(browser, live_server, live_server.staff[Role.POLICE], url, lines)
    await _enter(
        browser, live_server, live_server.staff[Role.ADMIN], url, lines.replace("3 / FB1", "2 / FB1")
    )
    await page.goto(url)
    assert await page.locator("text=Differs").count() == 1
    await assert_accessible(page)
    await page.fill("#sheet-2", "3 / FB1 1AA")
    await page.click("button:has-text('Settle sheet 2')")
    await page.wait_for_url(live_server.url + url)
    await page.click("button:has-text('Count 3 sheets')")
    await page.wait_for_url(live_server.url + url)
    assert "2 counted, 1 spoilt" in await page.locator("main").inner_text()
    await assert_accessible(page)


async def test_staff_record_a_vote_for_a_resident_and_a_moderator_reviews_it(
    page: Any, browser: Any, live_server: LiveServer
) -> None:
    page.set_default_timeout(20_000)
    round_id, ids = await open_round(live_server, "Assisted round")
    await sign_in(page, live_server.staff[Role.PANEL_CLERK])  # a member of staff at a help desk
    await page.goto(f"/priorities/rounds/{round_id}")
    await page.click("text=Record a vote for a resident who asks you to")
    await page.wait_for_url(f"**/priorities/manage/rounds/{round_id}/assisted")
    await assert_accessible(page)
    await page.check(f"#choice-{ids[1]}")
    await page.fill("#name", "Rita Resident")
    await page.fill("#postcode", "FB6 1UU")
    await page.click("button:has-text('Record the vote')")
    assert await page.locator(".govuk-error-summary").is_visible()  # consent was not recorded
    await assert_accessible(page)
    await page.check(f"#choice-{ids[1]}")
    await page.check("#consent")
    await page.click("button:has-text('Record the vote')")
    await page.wait_for_url(f"**/priorities/manage/rounds/{round_id}/assisted/*")
    await assert_accessible(page)
    reference = await page.locator(".govuk-panel__body strong").inner_text()
    assert reference.startswith("V") and len(reference) == 8
    context = await browser.new_context(base_url=live_server.url, java_script_enabled=True)
    moderator = await context.new_page()
    moderator.set_default_timeout(20_000)
    try:
        await sign_in(moderator, live_server.staff[Role.MODERATOR])
        await moderator.goto(f"/priorities/manage/rounds/{round_id}/assisted/review")
        await assert_accessible(moderator)
        assert reference in await moderator.locator("table").inner_text()
    finally:
        await context.close()
