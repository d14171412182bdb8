"""The privacy notices, the cookies page and both sides of a data request, in Chromium with axe-core."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlmodel import col, select

from civic.core.clock import SystemClock
from civic.core.db import Database
from civic.core.duties import Duty, set_duty
from civic.core.outbox import OutboxMessage
from civic.core.users import Role, get_user_by_email
from tests.browser.conftest import LiveServer, assert_accessible, sign_in

pytestmark = pytest.mark.browser

ADDRESS = "privacy.browser@example.com"


@pytest.mark.parametrize(
    "path", ["/privacy", "/privacy/petitions", "/privacy/budgets", "/privacy/site", "/cookies"]
)
async def test_privacy_pages_have_no_accessibility_violations(page: Any, path: str) -> None:
    await page.goto(path)
    await assert_accessible(page)


async def _link(live_server: LiveServer) -> str:
    db = Database(live_server.settings.database_url)
    try:
        async with db.reading() as session:
            rows = await session.exec(
                select(OutboxMessage.body_text)
                .where(OutboxMessage.to_address == ADDRESS)
                .order_by(col(OutboxMessage.id).desc())
            )
            body = rows.first()
    finally:
        await db.dispose()
    assert body is not None
    found = re.search(r"(/privacy/your-data/[A-Za-z0-9_\-.]+)", body)
    assert found
    return found.group(1)


async def _give_duty(live_server: LiveServer) -> None:
    db = Database(live_server.settings.database_url)
    try:
        async with db.transaction() as session:
            admin = await get_user_by_email(session, live_server.staff[Role.ADMIN])
            assert admin is not None
            await set_duty(
                session, admin, Duty.DATA_PROTECTION, held=True, actor=None, now=SystemClock().now()
            )
    finally:
        await db.dispose()


async def test_a_resident_asks_sees_and_asks_for_erasure_and_an_officer_erases(
    page: Any, live_server: LiveServer
) -> None:
    await page.goto("/privacy")
    await page.click("text=See or erase the data we hold about your email address")
    await assert_accessible(page)
    await page.click("button:has-text('Send me a link')")  # empty: an error, not a crash
    assert await page.locator(".govuk-error-summary").count() == 1
    await assert_accessible(page)
    await page.fill("#email", ADDRESS)
    await page.click("button:has-text('Send me a link')")
    assert "Check your email" in await page.content()
    await assert_accessible(page)

    await page.goto(await _link(live_server))
    await assert_accessible(page)
    await page.click("button:has-text('Show my data')")
    await page.wait_for_url("**/held")
    assert "The data we hold about you" in await page.content()
    await assert_accessible(page)
    await page.click("button:has-text('Ask for my data to be erased')")
    await page.wait_for_url("**/held")
    assert "You asked us to erase your data" in await page.content()
    await assert_accessible(page)

    await _give_duty(live_server)
    await sign_in(page, live_server.staff[Role.ADMIN])
    await page.click("text=Subject access and erasure requests")
    await assert_accessible(page)
    await page.click(f"text={ADDRESS}")
    await assert_accessible(page)
    await page.click("button:has-text('Erase the data')")  # not confirmed: an error
    assert await page.locator(".govuk-error-summary").count() == 1
    await assert_accessible(page)
    await page.check("#confirm")
    await page.click("button:has-text('Erase the data')")
    await page.wait_for_url("**?done=erased")
    assert "The data was erased" in await page.content()
    await assert_accessible(page)
    await page.goto("/admin/data-requests/new")
    await assert_accessible(page)
