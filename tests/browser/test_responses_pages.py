from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from civic import features  # noqa: F401 - fills in every feature's kind of ask
from civic.core.clock import SystemClock
from civic.core.db import Database
from civic.core.targets import TargetInfo
from civic.core.templating import format_date
from civic.core.users import Role
from civic.responses.models import ResponsibleBody
from civic.responses.queries_targets import KINDS, all_awaiting
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


async def demo_asks(live_server: LiveServer) -> tuple[dict[str, TargetInfo], dict[str, str]]:
    """The demo's unanswered asks by title, and every answering body's name by slug."""
    db = Database(live_server.settings.database_url)  # its own engine, closed before the loop moves on
    try:
        async with db.reading() as session:
            asks = {t.title: t for t in await all_awaiting(session, SystemClock().now())}
            bodies = {b.slug: b.name for b in (await session.exec(select(ResponsibleBody))).all()}
            return asks, bodies
    finally:
        await db.dispose()


async def queue_rows(page: Any) -> list[list[str]]:
    rows = page.locator("table.govuk-table tbody tr")
    # The action link's visually hidden words ("to <title>") come as their own line: join the lines.
    return [
        [" ".join(c.split()) for c in await rows.nth(i).locator("td").all_inner_texts()]
        for i in range(await rows.count())
    ]


def queue_row(ask: TargetInfo, bodies: dict[str, str]) -> list[str]:
    """A queue row as a reader sees it: the ask, who owes it, when it was due, the action."""
    return [
        f"{ask.title} {KINDS[ask.kind].label} · {ask.summary}",
        bodies[ask.body_slug],
        f"Overdue since {format_date(ask.due_at)}",
        f"Write response to {ask.title}",
    ]


async def test_a_councillor_sees_what_is_waiting_in_the_response_queue(
    page: Any, live_server: LiveServer
) -> None:
    asks, bodies = await demo_asks(live_server)
    petition, round_ = asks[PETITION], asks[ROUND]
    assert petition.due_at and round_.due_at and round_.due_at < petition.due_at
    await sign_in(page, live_server.staff[Role.COUNCILLOR])
    await page.goto("/responses/queue")
    await assert_accessible(page)
    # A councillor first sees everything they may answer: across the whole council only the council's
    # own ask is theirs, the policing team's round is not.
    assert await page.input_value("#ward") == ""
    assert await page.inner_text("table.govuk-table caption") == "1 waiting for a response"
    assert await queue_rows(page) == [queue_row(petition, bodies)]
    assert await page.locator("table .civic-status-overdue").count() == 1

    # The ward filter is chosen by name; their own ward has nothing waiting.
    await page.select_option("#ward", label="Fernbridge Central")
    await page.click("button:has-text('Show')")
    await page.wait_for_url("**/responses/queue?body=&ward=E05900006")
    await assert_accessible(page)
    assert await page.locator("table.govuk-table").count() == 0
    assert "Nothing is waiting for a response here." in await page.inner_text("main")
    await page.goto("/responses/queue")
    write = page.locator(f"a:has-text('Write response'):has-text('{PETITION}')")
    assert await write.get_attribute("href") == f"/responses/write/{petition.kind}/{petition.id}"
    await write.click()
    await page.wait_for_url(f"**/responses/write/{petition.kind}/{petition.id}")
    assert PETITION in await page.inner_text("main")
    await assert_accessible(page)


async def test_an_admin_sees_every_bodys_asks_soonest_due_first(page: Any, live_server: LiveServer) -> None:
    asks, bodies = await demo_asks(live_server)
    petition, round_ = asks[PETITION], asks[ROUND]
    await sign_in(page, live_server.staff[Role.ADMIN])
    await page.goto("/responses/queue?body=&ward=")
    await assert_accessible(page)
    # Every body's asks, the two overdue ones among them, soonest due first.
    rows = await queue_rows(page)
    assert await page.inner_text("table.govuk-table caption") == f"{len(rows)} waiting for a response"
    assert {row[1] for row in rows} >= {bodies[petition.body_slug], bodies[round_.body_slug]}
    assert queue_row(round_, bodies) in rows and queue_row(petition, bodies) in rows
    assert rows.index(queue_row(round_, bodies)) < rows.index(queue_row(petition, bodies))

    # Choosing the policing team's body leaves only its round.
    await page.select_option("#body", round_.body_slug)
    await page.click("button:has-text('Show')")
    await page.wait_for_url(f"**/responses/queue?body={round_.body_slug}&ward=")
    team = await queue_rows(page)
    assert await page.inner_text("table.govuk-table caption") == f"{len(team)} waiting for a response"
    assert len(team) < len(rows) and queue_row(round_, bodies) in team
    assert {row[1] for row in team} == {bodies[round_.body_slug]}
