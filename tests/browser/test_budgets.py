"""Youth budgets in a real browser, with axe-core on every page visited."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from civic.budgets import service, service_results, service_voting
from civic.budgets.models import Channel
from civic.core.db import Database, row_id
from civic.core.users import Role
from tests.browser.conftest import LiveServer, assert_accessible, sign_in
from tests.budgets.conftest import PROJECTS, make_process

pytestmark = pytest.mark.browser
DATABASES: list[Database] = []


def own_db(live_server: LiveServer) -> Database:
    """A database handle of our own, disposed after each test (the fixture's is never disposed)."""
    if not DATABASES:
        DATABASES.append(Database(live_server.settings.database_url))
    return DATABASES[0]


@pytest.fixture(autouse=True)
async def dispose_databases() -> Any:
    yield
    while DATABASES:
        await DATABASES.pop().dispose()


async def seed(live_server: LiveServer, slug: str, offsets: tuple[int, int, int, int, int]) -> Any:
    from civic.budgets.models import Feasibility

    now = datetime.now(UTC)
    async with own_db(live_server).transaction() as session:
        process = await service.create_process(
            session, make_process(slug, now, offsets=offsets), [], actor=None, now=now
        )
        for title, cost in PROJECTS:
            p = await service.create_proposal(
                session,
                process,
                title=title,
                summary=f"About {title}",
                area_id=None,
                idea_ids=[],
                actor=None,
                now=now,
            )
            await service.assess_proposal(
                session, p, cost=cost, feasibility=Feasibility.FEASIBLE, reason="Costed", actor=None, now=now
            )
    return process


async def test_a_youth_worker_prints_codes_and_zara_votes_with_one_and_checks_her_receipt(
    page: Any, browser: Any, live_server: LiveServer
) -> None:
    process = await seed(live_server, "browser-fund", (-30, -20, -1, 10, 40))
    await sign_in(page, live_server.staff[Role.YOUTH_WORKER])
    await page.goto(f"/budgets/staff/{process.slug}/codes")
    await assert_accessible(page)
    await page.fill("#label", "Northgate Academy Year 9")
    await page.fill("#size", "2")
    await page.click("button:has-text('Make codes')")
    await page.wait_for_load_state()
    assert await page.locator(".civic-code").count() == 2, (page.url, await page.locator("main").inner_text())
    await assert_accessible(page)
    code = (await page.locator(".civic-code").first.inner_text()).strip()
    for path in ("", "/ideas", "/proposals", "/paper", "/results"):
        await page.goto(f"/budgets/staff/{process.slug}{path}")
        await assert_accessible(page)

    voter_context = await browser.new_context(base_url=live_server.url)
    zara = await voter_context.new_page()
    await zara.goto(f"/budgets/{process.slug}")
    await assert_accessible(zara)
    await zara.click("text=Vote now")
    await assert_accessible(zara)
    await zara.fill("#code", code)
    await zara.check("#eligible")
    await zara.click("button:has-text('Continue')")
    await zara.wait_for_url(f"**/budgets/{process.slug}/ballot")
    await assert_accessible(zara)
    await zara.check("label:has-text('Skate park lights')")
    await zara.wait_for_selector("#running-total:has-text('£12,000 left')")
    await zara.check("label:has-text('Art wall')")
    await zara.wait_for_selector("#running-total:has-text('£7,500 left')")
    await assert_accessible(zara)
    await zara.click("button:has-text('Check my choices')")
    await zara.wait_for_url("**/check")
    await assert_accessible(zara)
    await zara.click("button:has-text('Send my vote')")
    await zara.wait_for_url("**/voted")
    await assert_accessible(zara)
    receipt = (await zara.locator("#receipt").inner_text()).strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", receipt)
    await zara.goto(f"/budgets/{process.slug}/receipt")
    await zara.fill("#receipt", receipt)
    await zara.click("button:has-text('Check my vote')")
    await zara.wait_for_selector("text=Your vote was counted")
    await assert_accessible(zara)
    await voter_context.close()


async def test_the_ballot_works_without_javascript(page_without_js: Any, live_server: LiveServer) -> None:
    from civic.budgets import service_codes

    process = await seed(live_server, "nojs-fund", (-30, -20, -1, 10, 40))
    async with own_db(live_server).transaction() as session:
        _, plain = await service_codes.create_batch(
            session,
            process,
            actor=None,
            secret=live_server.settings.secret_key,
            label="Club",
            size=1,
            area_id=None,
            age_band="",
            now=datetime.now(UTC),
        )
    page = page_without_js
    await page.goto(f"/budgets/{process.slug}/vote")
    await page.fill("#code", plain[0])
    await page.check("#eligible")
    await page.click("button:has-text('Continue')")
    await page.check("label:has-text('Music studio')")
    await page.click("button:has-text('Update my total')")
    assert "£20,500" in await page.locator("#running-total").inner_text()
    await page.click("button:has-text('Check my choices')")
    await page.click("button:has-text('Send my vote')")
    assert "Your vote has been counted" in await page.content()


async def test_published_results_and_delivery_pages_are_accessible(
    page: Any, live_server: LiveServer
) -> None:
    process = await seed(live_server, "results-browser-fund", (-60, -50, -40, -30, 10))
    now = datetime.now(UTC)
    async with own_db(live_server).transaction() as session:
        proposals = await service.proposals_of(session, row_id(process))
        for i in range(12):
            await service_voting.store_ballot(
                session,
                process_id=row_id(process),
                area_id=None,
                age_band="14-16",
                channel=Channel.PAPER if i % 4 == 0 else Channel.ONLINE,
                choices=[row_id(proposals[i % 4]), row_id(proposals[(i + 1) % 4])],
                secret=None,
            )
        result = await service_results.compute(session, process, actor=None, now=now)
        from civic.core.users import get_user_by_email

        worker = await get_user_by_email(session, live_server.staff[Role.YOUTH_WORKER])
        assert worker is not None
        await service_results.publish(session, result, process, actor=worker, now=now)
    for path in ("/results", "/delivery", ""):
        await page.goto(f"/budgets/{process.slug}{path}")
        await assert_accessible(page)
    await page.goto(f"/budgets/{process.slug}/results")
    assert await page.locator("text=Funded").count() >= 1
    assert await page.locator("svg.civic-spend-chart rect").count() >= 2  # funded projects and "Not spent"
    assert await page.locator("table:has-text('Share of the budget') >> text=Not spent").count() == 1


async def test_zara_changes_her_ballot_with_her_receipt(
    page: Any, browser: Any, live_server: LiveServer
) -> None:
    from civic.budgets import service_codes

    process = await seed(live_server, "change-fund", (-30, -20, -1, 10, 40))
    async with own_db(live_server).transaction() as session:
        _, plain = await service_codes.create_batch(
            session,
            process,
            actor=None,
            secret=live_server.settings.secret_key,
            label="Club",
            size=1,
            area_id=None,
            age_band="14-16",
            now=datetime.now(UTC),
        )
    await page.goto(f"/budgets/{process.slug}/vote")
    await page.fill("#code", plain[0])
    await page.check("#eligible")
    await page.click("button:has-text('Continue')")
    await page.check("label:has-text('Art wall')")
    await page.click("button:has-text('Check my choices')")
    await page.click("button:has-text('Send my vote')")
    receipt = (await page.locator("#receipt").inner_text()).strip()
    await page.goto(f"/budgets/{process.slug}/receipt")
    await page.fill("#receipt", receipt)
    await page.click("button:has-text('Check my vote')")
    await page.click("button:has-text('Change my vote')")
    await page.wait_for_url("**/ballot")
    assert await page.is_checked("label:has-text('Art wall')")
    await page.uncheck("label:has-text('Art wall')")
    await page.check("label:has-text('Music studio')")
    await page.click("button:has-text('Check my choices')")
    await assert_accessible(page)
    await page.click("button:has-text('Save my changed vote')")
    await page.wait_for_selector("text=Your vote has been changed")
    await assert_accessible(page)


async def test_two_staff_double_enter_paper_ballots_and_publish_the_results(
    browser: Any, live_server: LiveServer
) -> None:
    process = await seed(live_server, "paper-fund", (-60, -50, -40, -1, 30))
    first_context = await browser.new_context(base_url=live_server.url)
    second_context = await browser.new_context(base_url=live_server.url)
    first, second = await first_context.new_page(), await second_context.new_page()
    await sign_in(first, live_server.staff[Role.YOUTH_WORKER])
    await sign_in(second, live_server.staff[Role.ADMIN])
    await first.goto(f"/budgets/staff/{process.slug}/paper")
    await assert_accessible(first)
    await first.fill("#label", "Library ballot box")
    await first.fill("#sheets", "3")
    await first.click("button:has-text('Start bundle')")
    await first.wait_for_selector("text=Entry 1")
    await assert_accessible(first)
    bundle = first.url
    await first.fill("#lines", "1 2\n3\n4")
    await first.click("button:has-text('Save entry')")
    await first.wait_for_selector("text=entries made: 1 of 2")
    await second.goto(bundle)
    await second.fill("#lines", "1 2\n3 4\n4")
    await second.click("button:has-text('Save entry')")
    await second.wait_for_selector("text=Differences to settle")
    await assert_accessible(second)
    await second.fill("#sheet-2", "3")
    await second.click("button:has-text('Settle sheet 2')")
    await second.click("button:has-text('Count 3 sheets')")
    await second.wait_for_selector("text=Counted")
    await first.goto(f"/budgets/staff/{process.slug}/results")
    await first.click("button:has-text('Count the votes')")
    await first.wait_for_selector("text=Publish these results")
    await assert_accessible(first)
    await first.click("button:has-text('Publish these results')")
    await first.wait_for_url(f"**/budgets/{process.slug}/results")
    await assert_accessible(first)
    assert "Fewer than 5 ballots in all" in await first.content()  # 3, too few to publish
    await first_context.close()
    await second_context.close()


async def test_on_a_phone_the_running_total_stays_in_view_and_updates_itself(
    browser: Any, live_server: LiveServer
) -> None:
    """On a phone the total once scrolled out of sight, beside an "Update my total" button that
    JavaScript made needless."""
    from civic.budgets import service_codes

    process = await seed(live_server, "phone-fund", (-30, -20, -1, 10, 40))
    async with own_db(live_server).transaction() as session:
        _, plain = await service_codes.create_batch(
            session, process, actor=None, secret=live_server.settings.secret_key, label="Club", size=1,
            area_id=None, age_band="", now=datetime.now(UTC),
        )  # fmt: skip
    context = await browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True
    )
    page = await context.new_page()
    try:
        await page.goto(f"/budgets/{process.slug}/vote")
        await page.fill("#code", plain[0])
        await page.check("#eligible")
        await page.click("button:has-text('Continue')")
        await page.wait_for_load_state("networkidle")
        assert not await page.locator("button:has-text('Update my total')").is_visible()
        await assert_accessible(page)
        await page.check("label:has-text('Music studio')")
        await page.locator("button:has-text('Check my choices')").scroll_into_view_if_needed()
        total = page.locator("#running-total")
        await total.locator("text=£20,500").wait_for()
        box = await total.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 667  # still on screen
        assert await page.evaluate("window.scrollY") > 0  # the page did scroll under it
    finally:
        await context.close()
