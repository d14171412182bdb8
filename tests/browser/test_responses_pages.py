from __future__ import annotations

from typing import Any

import pytest

from civic import models  # noqa: F401 - registers every feature's kind of ask
from civic.core.clock import SystemClock
from civic.core.db import Database
from civic.core.templating import format_date
from civic.core.users import Role
from civic.responses.targets import TargetInfo, all_awaiting
from tests.browser.conftest import LiveServer, assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    "path",
    [
        "/responses/",
        "/responses/overdue",
        "/responses/report-cards",
        "/responses/bodies/council",
        "/responses/wards/E05900006",
        "/data",
    ],
)
async def test_response_pages_have_no_accessibility_violations(page: Any, path: str) -> None:
    await page.goto(path)
    assert await page.locator("h1").count() == 1
    await assert_accessible(page)


# The demo's two unanswered asks, both past their due date, and the ward the browser councillor
# represents, where the demo has answered everything.
PETITION = "Build a zebra crossing outside Fernbridge Primary School"
ROUND = "Police priorities, summer: Fernbridge North and Villages"


async def demo_asks(live_server: LiveServer) -> dict[str, TargetInfo]:
    db = Database(live_server.settings.database_url)  # its own engine, closed before the loop moves on
    try:
        async with db.reading() as session:
            return {t.title: t for t in await all_awaiting(session, SystemClock().now())}
    finally:
        await db.dispose()


async def queue_rows(page: Any) -> list[list[str]]:
    rows = page.locator("table.govuk-table tbody tr")
    # The action link's visually hidden words ("to <title>") come as their own line: join the lines.
    return [
        [" ".join(c.split()) for c in await rows.nth(i).locator("td").all_inner_texts()]
        for i in range(await rows.count())
    ]


async def test_a_councillor_sees_what_is_waiting_in_the_response_queue(
    page: Any, live_server: LiveServer
) -> None:
    asks = await demo_asks(live_server)
    petition, round_ = asks[PETITION], asks[ROUND]
    assert petition.due_at and round_.due_at and round_.due_at < petition.due_at
    await sign_in(page, live_server.staff[Role.COUNCILLOR])
    await page.goto("/responses/queue")
    await assert_accessible(page)
    # A councillor first sees their own ward, where nothing is waiting.
    assert await page.input_value("#ward") == "E05900006"
    assert await page.locator("table.govuk-table").count() == 0
    assert "Nothing is waiting for a response here." in await page.inner_text("main")

    await page.fill("#ward", "")
    await page.select_option("#body", "")
    await page.click("button:has-text('Show')")
    await page.wait_for_url("**/responses/queue?body=&ward=")
    await assert_accessible(page)
    assert await page.inner_text("table.govuk-table caption") == "2 waiting for a response"
    # Soonest due first: each ask's title, kind and summary, its due date as overdue, and the action.
    assert await queue_rows(page) == [
        [
            f"{ROUND} Police priority round · {round_.summary}",
            f"Overdue since {format_date(round_.due_at)}",
            f"Write response to {ROUND}",
        ],
        [
            f"{PETITION} Petition · {petition.summary}",
            f"Overdue since {format_date(petition.due_at)}",
            f"Write response to {PETITION}",
        ],
    ]
    assert await page.locator("table .civic-status-overdue").count() == 2
    write = page.locator(f"a:has-text('Write response'):has-text('{PETITION}')")
    assert await write.get_attribute("href") == f"/responses/write/{petition.kind}/{petition.id}"

    # Choosing the policing team's body leaves only its round.
    await page.select_option("#body", round_.body_slug)
    await page.click("button:has-text('Show')")
    await page.wait_for_url(f"**/responses/queue?body={round_.body_slug}&ward=")
    assert await page.inner_text("table.govuk-table caption") == "1 waiting for a response"
    assert [row[0].startswith(ROUND) for row in await queue_rows(page)] == [True]

    await page.select_option("#body", "")
    await page.click("button:has-text('Show')")
    await page.wait_for_url("**/responses/queue?body=&ward=")
    await page.locator(f"a:has-text('Write response'):has-text('{PETITION}')").click()
    await page.wait_for_url(f"**/responses/write/{petition.kind}/{petition.id}")
    assert PETITION in await page.inner_text("main")
    await assert_accessible(page)
