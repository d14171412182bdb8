"""Journeys in Welsh in a real browser, with axe-core on every page visited (axe checks that `lang`
is set and valid; here the page must also say `cy` and show the Welsh words).

A young person votes in a youth budget, and a resident signs a petition and confirms from the email,
both having chosen Cymraeg with the language switch on the first page.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from civic.budgets import service_codes
from civic.core.clock import SystemClock
from civic.petitions.models import State
from tests.browser.conftest import LiveServer, assert_accessible
from tests.browser.test_budgets import own_db, seed
from tests.browser.test_petitions import add_petition, last_link_to

pytestmark = pytest.mark.browser


async def assert_welsh(page: Any) -> None:
    assert await page.get_attribute("html", "lang") == "cy", page.url
    await assert_accessible(page)


async def switch_to_welsh(page: Any) -> None:
    await page.click("nav[aria-label='Choose a language'] a[hreflang='cy']")
    await page.wait_for_load_state()
    await assert_welsh(page)


async def test_a_young_person_votes_in_welsh_and_checks_the_receipt(
    page: Any, live_server: LiveServer
) -> None:
    process = await seed(live_server, "welsh-fund", (-30, -20, -1, 10, 40))
    async with own_db(live_server).transaction() as session:
        _, plain = await service_codes.create_batch(
            session, process, actor=None, secret=live_server.settings.secret_key, label="Clwb",
            size=1, area_id=None, age_band="14-16", now=SystemClock().now(),
        )  # fmt: skip
    await page.goto(f"/budgets/{process.slug}")
    await switch_to_welsh(page)
    assert await page.locator("text=Cyllideb ieuenctid").count() == 1
    await page.click("text=Pleidleisio nawr")
    await page.wait_for_url(f"**/budgets/{process.slug}/vote")
    await assert_welsh(page)
    assert await page.locator("h1:has-text('Rhowch eich cod pleidleisio')").count() == 1
    await page.click("button:has-text('Parhau')")  # nothing filled in: the errors are in Welsh
    assert (
        await page.locator(".govuk-error-summary:has-text('Rhowch y cod sydd ar eich cerdyn')").count() == 1
    )
    await assert_welsh(page)
    await page.fill("#code", plain[0])
    await page.check("#eligible")
    await page.click("button:has-text('Parhau')")
    await page.wait_for_url(f"**/budgets/{process.slug}/ballot")
    await assert_welsh(page)
    await page.check("label:has-text('Skate park lights')")
    await page.wait_for_selector("#running-total:has-text('£12,000 ar ôl')")
    await assert_welsh(page)
    await page.click("button:has-text('Gwirio fy newisiadau')")
    await page.wait_for_url("**/check")
    await assert_welsh(page)
    await page.click("button:has-text('Anfon fy mhleidlais')")
    await page.wait_for_url("**/voted")
    await assert_welsh(page)
    assert await page.locator("h1:has-text('Mae eich pleidlais wedi')").count() == 1
    receipt = (await page.locator("#receipt").inner_text()).strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", receipt)
    await page.goto(f"/budgets/{process.slug}/receipt")  # the cookie keeps Welsh without ?lang=
    await assert_welsh(page)
    await page.fill("#receipt", receipt)
    await page.click("button:has-text('Gwirio fy mhleidlais')")
    await page.wait_for_selector("text=Cafodd eich pleidlais ei chyfrif")
    await assert_welsh(page)


async def test_a_resident_signs_a_petition_in_welsh_and_confirms_from_a_welsh_email(
    page: Any, live_server: LiveServer
) -> None:
    petition_id = await add_petition(live_server, State.OPEN, "Goleuo'r llwybr drwy Barc Brook Green", 3)
    await page.goto("/petitions")
    await switch_to_welsh(page)
    await page.click("text=Goleuo'r llwybr drwy Barc Brook Green")
    await assert_welsh(page)
    await page.click("text=Llofnodi'r ddeiseb hon")
    await assert_welsh(page)
    await page.click("button:has-text('Parhau')")
    assert await page.locator(".govuk-error-summary").count() == 1
    assert "Mae problem" in await page.locator(".govuk-error-summary").inner_text()
    await assert_welsh(page)
    await page.fill("#name", "Nia Preswylydd")
    await page.fill("#email", "nia@example.org")
    await page.fill("#postcode", "FB6 1UU")
    await page.check("#residency")
    await page.click("button:has-text('Parhau')")
    await page.wait_for_url(f"**/petitions/{petition_id}/signed")
    await assert_welsh(page)
    link = await last_link_to(live_server, "nia@example.org")
    assert "lang=cy" in link  # the email's link opens the page in Welsh, even in another browser
    await page.context.clear_cookies()
    await page.goto(link)
    await assert_welsh(page)
    await page.click("button:has-text('Cadarnhau')")
    await page.wait_for_url(f"**/petitions/{petition_id}/thanks?result=confirmed")
    await assert_welsh(page)
