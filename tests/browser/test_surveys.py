"""Residents' surveys in a real browser, with axe-core on every page visited: an admin sets up and
opens a survey and makes codes; one resident answers with a code from a letter and another by email;
the admin closes the survey and everyone reads the results, with their charts and tables, and the
ward's report card."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlmodel import col, select

from civic.core.clock import SystemClock
from civic.core.db import Database
from civic.core.outbox import OutboxMessage
from civic.core.users import Role
from civic.surveys import service_answering
from civic.surveys.models import Channel, Survey
from tests.browser.conftest import LiveServer, assert_accessible, sign_in

pytestmark = pytest.mark.browser
SLUG = "browser-residents-survey-2027"


async def submit(page: Any, button: str) -> None:
    async with page.expect_navigation():
        await page.click(f"button:has-text('{button}')")
    await assert_accessible(page)


async def answer(page: Any, postcode: str) -> None:
    await page.check("input[name=q_influence][value=tend_to_agree]")
    await page.check("input[name=q_council_satisfaction][value=fairly_satisfied]")
    await page.fill("#postcode", postcode)


async def add_answers(live_server: LiveServer, count: int) -> None:
    """Paper responses typed in elsewhere (double entry has its own tests), so the results have figures."""
    db = Database(live_server.settings.database_url)
    try:
        async with db.transaction() as session:
            survey = (await session.exec(select(Survey).where(Survey.slug == SLUG))).one()
            for n in range(count):
                choice = "strongly_agree" if n % 2 else "tend_to_disagree"
                await service_answering.record(
                    session, survey, channel=Channel.PAPER, voter_key=None, ward_code="E05900006",
                    answers={"influence": choice, "council_satisfaction": "neither"}, now=SystemClock().now(),
                )  # fmt: skip
    finally:
        await db.dispose()


async def last_email_link(live_server: LiveServer) -> str:
    db = Database(live_server.settings.database_url)
    try:
        async with db.reading() as session:
            query = select(OutboxMessage).where(OutboxMessage.to_address == "sam@example.org")
            message = (await session.exec(query.order_by(col(OutboxMessage.id).desc()))).first()
    finally:
        await db.dispose()
    assert message is not None
    match = re.search(r"(/surveys/confirm\?token=\S+)", message.body_text)
    assert match is not None
    return match.group(1)


async def test_an_admin_runs_a_survey_residents_answer_and_read_the_results(
    page: Any, browser: Any, live_server: LiveServer
) -> None:
    await sign_in(page, live_server.staff[Role.ADMIN])
    await page.click("text=Residents' surveys: questions, codes and paper forms")
    await assert_accessible(page)
    await submit(page, "Create survey")  # empty: errors, not a crash
    assert await page.locator(".govuk-error-summary").count() == 1
    await page.fill("#title", "Browser residents' survey 2027")
    await page.select_option("#area", "council")
    await page.check("input[name=questions][value=influence]")
    await page.check("input[name=questions][value=council_satisfaction]")
    await submit(page, "Create survey")
    await submit(page, "Open the survey")
    await page.fill("#label", "Letters to Fernbridge Central")
    await page.fill("#size", "2")
    await submit(page, "Make codes")
    codes = await page.locator("ol.civic-codes code").all_inner_texts()
    assert len(codes) == 2
    admin_page = page.url

    resident = await (await browser.new_context(base_url=live_server.url)).new_page()
    await resident.goto(f"/surveys/{SLUG}")
    await assert_accessible(resident)
    await submit(resident, "Send my answers")  # nothing chosen: errors on every question
    assert await resident.locator(".govuk-error-summary li").count() >= 3
    await answer(resident, "FB6 1UU")
    await resident.fill("#code", codes[0])
    await submit(resident, "Send my answers")
    assert "Your answers are counted" in await resident.inner_text("main")

    await resident.goto(f"/surveys/{SLUG}")
    await answer(resident, "FB6 2WY")
    await resident.fill("#email", "sam@example.org")
    await submit(resident, "Send my answers")
    assert "Check your email" in await resident.inner_text("h1")
    await resident.goto(await last_email_link(live_server))
    await assert_accessible(resident)
    await submit(resident, "Count my answers")
    assert "Your answers are counted" in await resident.inner_text("main")

    await add_answers(live_server, 8)
    await page.goto(admin_page.split("/codes")[0])
    await assert_accessible(page)
    await submit(page, "Close the survey and publish the results")
    await resident.goto(f"/surveys/{SLUG}/results")
    await assert_accessible(resident)
    text = await resident.inner_text("main")
    assert "95% confidence interval" in text and "National figure" in text
    assert await resident.locator("svg.civic-bar-chart").count() == 2
    await resident.goto("/responses/wards/E05900006")
    await assert_accessible(resident)
    assert "Agree they can influence decisions" in await resident.inner_text("main")
    await resident.goto("/surveys/")
    await assert_accessible(resident)
