from __future__ import annotations

from typing import Any

import pytest

from civic.core.users import Role
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


async def test_a_councillor_opens_the_response_queue(page: Any, live_server: LiveServer) -> None:
    await sign_in(page, live_server.staff[Role.COUNCILLOR])
    await page.goto("/responses/queue")
    await assert_accessible(page)
