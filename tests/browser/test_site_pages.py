from __future__ import annotations

from typing import Any

import pytest

from civic.core.users import Role
from tests.browser.conftest import LiveServer, assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/", "/accessibility", "/login", "/audit", "/no-such-page"])
async def test_public_pages_have_no_accessibility_violations(page: Any, path: str) -> None:
    await page.goto(path)
    await assert_accessible(page)


async def test_an_admin_signs_in_manages_staff_and_signs_out(page: Any, live_server: LiveServer) -> None:
    await sign_in(page, live_server.staff[Role.ADMIN])
    await assert_accessible(page)
    await page.click("text=Manage staff accounts")
    await assert_accessible(page)
    await page.click("text=Add a staff member")
    await assert_accessible(page)
    await page.click("button:has-text('Create account')")  # empty form: errors, not a crash
    assert await page.locator(".govuk-error-summary").count() == 1
    await assert_accessible(page)
    await page.goto("/staff")
    await page.click("button:has-text('Sign out')")
    await page.wait_for_url("**/login?signed_out=1")
    await page.goto("/admin/staff")
    assert "/login" in page.url


async def test_sign_in_works_without_javascript(page_without_js: Any, live_server: LiveServer) -> None:
    await sign_in(page_without_js, live_server.staff[Role.MODERATOR])
    assert "Staff area" in await page_without_js.content()
