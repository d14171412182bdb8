"""Browser journeys for the paper and assisted channels of petitions, with axe-core on every page:
the printable sheet (screen and print), double entry by two staff members with a difference settled,
the count by channel on the petition page, and a member of staff signing for a resident."""

from __future__ import annotations

from typing import Any

import pytest

from civic.core.users import Role
from civic.petitions.models import State
from tests.browser.conftest import LiveServer, assert_accessible, sign_in
from tests.browser.test_petitions import add_petition

pytestmark = pytest.mark.browser


async def test_the_blank_sheet_prints_with_a_qr_code(page: Any, live_server: LiveServer) -> None:
    page.set_default_timeout(20_000)
    pid = await add_petition(live_server, State.OPEN, "Light the path by the canal", signatures=3)
    await page.goto(f"/petitions/{pid}")
    await page.click("text=Print a sheet to collect signatures on paper")
    await page.wait_for_url(f"**/petitions/{pid}/sheet")
    await assert_accessible(page)
    assert await page.locator("svg.civic-qr").count() == 1
    assert await page.locator(".civic-sheet-table tbody tr").count() == 12
    await page.emulate_media(media="print")
    assert not await page.locator(".govuk-header").is_visible()
    assert await page.locator("svg.civic-qr").is_visible()


async def _enter(browser: Any, live_server: LiveServer, email: str, url: str, lines: str) -> None:
    """One typist's entry, in a browser of their own (each staff member signs in on their own desk)."""
    context = await browser.new_context(base_url=live_server.url, java_script_enabled=True)
    page = await context.new_page()
    page.set_default_timeout(20_000)
    try:
        await sign_in(page, email)
        await page.goto(url)
        await page.fill("#lines", lines)
        await page.click("button:has-text('Save entry')")
        await page.wait_for_url(live_server.url + url)
        await assert_accessible(page)
    finally:
        await context.close()


async def test_two_staff_type_a_bundle_and_settle_a_difference(
    page: Any, browser: Any, live_server: LiveServer
) -> None:
    page.set_default_timeout(20_000)
    pid = await add_petition(live_server, State.OPEN, "Mend the steps at the library", signatures=6)
    await sign_in(page, live_server.staff[Role.MODERATOR])
    await page.goto(f"/petitions/{pid}/paper")
    await assert_accessible(page)
    await page.fill("#label", "Library box")
    await page.fill("#sheets", "x")
    await page.click("button:has-text('Start bundle')")
    assert await page.locator(".govuk-error-summary").is_visible()
    await assert_accessible(page)
    await page.fill("#sheets", "2")
    await page.fill("#received", "2026-01-05")
    await page.click("button:has-text('Start bundle')")
    await page.wait_for_url("**/paper/*")
    url = page.url.removeprefix(live_server.url)
    lines = (
        "1, Ann Lee, FB1 1AA, yes\n1, Bo Li, FB1 2BE, yes\n2, Cy Ray, FB1 3DH, yes\n2, Di Fox, FB1 4EN, yes"
    )
    await _enter(browser, live_server, live_server.staff[Role.MODERATOR], url, lines)
    await _enter(browser, live_server, live_server.staff[Role.ADMIN], url, lines.replace("Cy Ray", "Cy Roy"))
    await page.goto(url)
    assert await page.locator("text=Differs").count() == 1
    await assert_accessible(page)
    await page.fill("#sheet-2", "Cy Ray, FB1 3DH, yes\nDi Fox, FB1 4EN, yes")
    await page.click("button:has-text('Settle sheet 2')")
    await page.wait_for_url(live_server.url + url)
    await page.click("button:has-text('Count 2 sheets')")
    await page.wait_for_url(live_server.url + url)
    await assert_accessible(page)
    await page.goto(f"/petitions/{pid}")
    table = page.locator("table:has-text('Signatures by how they were given')")
    assert "Paper" in await table.inner_text() and "fewer than 5" in await table.inner_text()
    await assert_accessible(page)


async def test_staff_sign_for_a_resident_and_give_a_reference(page: Any, live_server: LiveServer) -> None:
    page.set_default_timeout(20_000)
    pid = await add_petition(live_server, State.OPEN, "Keep the library open on Sundays")
    await sign_in(page, live_server.staff[Role.PANEL_CLERK])
    await page.goto(f"/petitions/{pid}")
    await page.click("text=Sign for a resident who asks you to")
    await page.wait_for_url(f"**/petitions/{pid}/assisted")
    await assert_accessible(page)
    await page.fill("#name", "Rita Resident")
    await page.fill("#postcode", "FB1 1AA")
    await page.check("#declared")
    await page.click("button:has-text('Sign for the resident')")
    assert await page.locator(".govuk-error-summary").is_visible()  # consent was not recorded
    await assert_accessible(page)
    await page.check("#consent")
    await page.click("button:has-text('Sign for the resident')")
    await page.wait_for_url(f"**/petitions/{pid}/assisted/*")
    await assert_accessible(page)
    reference = await page.locator(".govuk-panel__body strong").inner_text()
    assert reference.startswith("A") and len(reference) == 8


SMALL_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


async def test_a_moderator_records_a_petition_handed_in_on_paper(page: Any, live_server: LiveServer) -> None:
    page.set_default_timeout(20_000)
    await sign_in(page, live_server.staff[Role.MODERATOR])
    await page.click("text=Record a petition handed in on paper")
    await page.wait_for_url("**/petitions/paper/new")
    await assert_accessible(page)
    await page.fill("#action", "Reopen the Brook Green toilets")
    await page.fill("#background", "The park has no toilets since the spring.")
    await page.fill("#lead", "Lena Lead")
    await page.fill("#received", "not a date")
    await page.click("button:has-text('Record the petition')")
    assert await page.locator(".govuk-error-summary").is_visible()
    await assert_accessible(page)
    await page.fill("#received", "2026-01-05")
    # A scan that is not a PDF, PNG or JPEG is refused with the field's message; the typed text stays.
    await page.set_input_files(
        "#scan", files=[{"name": "sheets.pdf", "mimeType": "application/pdf", "buffer": b"not a pdf"}]
    )
    await page.click("button:has-text('Record the petition')")
    assert "must be a PDF, PNG or JPEG file" in await page.locator("#scan-error").inner_text()
    assert await page.input_value("#lead") == "Lena Lead"
    await assert_accessible(page)
    await page.set_input_files(
        "#scan", files=[{"name": "sheets.pdf", "mimeType": "application/pdf", "buffer": SMALL_PDF}]
    )
    await page.click("button:has-text('Record the petition')")
    await page.wait_for_url("**/petitions/*/paper")
    assert "Download scan" in await page.locator("#scans ~ table").first.inner_text()
    await assert_accessible(page)
    async with page.expect_download() as download_info:
        await page.click("a:has-text('Download scan')")
    download = await download_info.value
    assert download.suggested_filename.endswith(".pdf")
    await page.goto(page.url.split("#")[0].removesuffix("/paper"))
    assert "Handed in on paper on 2026-01-05" in await page.locator("main").inner_text()
    await assert_accessible(page)
