"""Browser journey: a petition owed an answer is linked by a councillor to the panel decision it went
to, answered with a commitment, and a signer answers "was it done?" from the emailed link, without an
account. Every page is checked with axe-core."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from civic import features  # noqa: F401 - fills in every feature's kinds and commitment sources
from civic.core.clock import SystemClock
from civic.core.db import Database, row_id
from civic.core.identity import email_hash
from civic.core.users import Role
from civic.panels.models import Decision
from civic.petitions.models import Petition, State
from civic.responses.notify_checkback import check_link
from civic.responses.queries_commitments import ANSWER_KIND, load_commitment
from tests.browser.conftest import LiveServer, assert_accessible, sign_in

pytestmark = pytest.mark.browser

ACTION = "Light the footpath from Mill Road to the station"
PROMISE = "Fit eight new lamp posts along the Mill Road footpath"


async def owed_petition_and_a_decision(live_server: LiveServer) -> tuple[int, int]:
    """A petition past its response threshold, made for this test, and one of the demo's decisions."""
    db = Database(live_server.settings.database_url)  # its own engine, closed before the loop moves on
    now = SystemClock().now()
    try:
        async with db.transaction() as session:
            petition = Petition(
                action=ACTION, background="The footpath is unlit after dark.", creator_name="Carla Creator",
                creator_email="carla.loop@example.org", creator_key="loop-key", created_at=now,
                updated_at=now, state=State.OPEN, opened_at=now - timedelta(days=10),
                closes_at=now + timedelta(days=80), response_threshold=10, debate_threshold=100,
                response_threshold_reached_at=now - timedelta(days=1),
                response_due_at=now + timedelta(days=29),
            )  # fmt: skip
            session.add(petition)
            await session.flush()
            decision = (await session.exec(select(Decision).order_by(col(Decision.id)))).first()
            assert decision is not None, "the demo records panel decisions"
            return row_id(petition), row_id(decision)
    finally:
        await db.dispose()


async def answer_link(live_server: LiveServer, commitment_id: str, email: str) -> str:
    """The signed link the "was it done?" email gives a signer (the job and email are tested elsewhere)."""
    db = Database(live_server.settings.database_url)
    try:
        async with db.reading() as session:
            item = await load_commitment(session, ANSWER_KIND, commitment_id)
        assert item is not None
        settings = live_server.settings
        url = check_link(settings, item, email_hash(settings.secret_key, email), SystemClock().now())
        return url.removeprefix(live_server.url)
    finally:
        await db.dispose()


async def test_petition_to_panel_decision_to_committed_answer_to_was_it_done(
    page: Any, browser: Any, live_server: LiveServer
) -> None:
    petition_id, decision_id = await owed_petition_and_a_decision(live_server)
    await sign_in(page, live_server.staff[Role.COUNCILLOR])

    # Link the petition to the panel decision it went to.
    await page.goto(f"/responses/links?from_kind=petition&from_ref={petition_id}")
    await assert_accessible(page)
    await page.select_option("#to_kind", "panel_decision")
    await page.fill("#to_ref", "99999")
    await page.click("button:has-text('Link the steps')")
    assert "There is no published community panel decision with that number" in await page.inner_text("main")
    await assert_accessible(page)  # the error summary and the field's message
    await page.fill("#to_ref", str(decision_id))
    await page.click("button:has-text('Link the steps')")
    await page.wait_for_url("**/responses/links?saved=1")
    assert "The steps are linked" in await page.inner_text("main")
    await assert_accessible(page)

    # Answer the petition and record what the answer commits to.
    await page.goto(f"/responses/write/petition/{petition_id}")
    await page.fill("#summary", "We will light the footpath this winter.")
    await page.fill("#details", "Eight lamp posts will be fitted by the highways team.")
    await page.click("button:has-text('Save and preview')")
    await page.wait_for_url("**/preview")
    await assert_accessible(page)
    await page.click("button:has-text('Publish response')")
    await page.wait_for_url("**/responses/*")
    response_path = page.url.removeprefix(live_server.url)
    await page.click("a:has-text('Record what this answer commits to')")
    await assert_accessible(page)
    due = SystemClock().now().date() + timedelta(days=60)
    await page.fill("#what", PROMISE)
    await page.fill("#due_on-day", str(due.day))
    await page.fill("#due_on-month", str(due.month))
    await page.fill("#due_on-year", str(due.year))
    await page.click("button:has-text('Record the commitment')")
    await page.wait_for_url(f"**{response_path}")
    main = await page.inner_text("main")
    assert "What this answer commits to" in main and PROMISE in main
    await assert_accessible(page)

    # One timeline on the petition's page and the decision's page alike.
    for path in (f"/petitions/{petition_id}", f"/panels/decisions/{decision_id}"):
        await page.goto(path)
        timeline = await page.inner_text("#timeline + table")
        assert ACTION in timeline and PROMISE in timeline and "Community panel decision" in timeline
        await assert_accessible(page)

    # A signer answers from the emailed link, in a browser that is signed in to nothing.
    commitment_href = await page.locator(f"#timeline + table a:has-text('{PROMISE}')").get_attribute("href")
    assert commitment_href is not None and commitment_href.startswith(
        f"/responses/commitments/{ANSWER_KIND}/"
    )
    link = await answer_link(live_server, commitment_href.rsplit("/", 1)[1], "sam.signer@example.org")
    context = await browser.new_context(base_url=live_server.url, java_script_enabled=True)
    resident = await context.new_page()
    try:
        await resident.goto(link)
        assert "Was it done?" in await resident.inner_text("h1")
        await assert_accessible(resident)
        await resident.click("button:has-text('Send answer')")
        assert "Choose whether it was done" in await resident.inner_text("main")
        await assert_accessible(resident)
        await resident.get_by_label("Partly", exact=True).check()
        await resident.fill("#comment", "Four lamps are up so far")
        await resident.click("button:has-text('Send answer')")
        assert "Answer received" in await resident.inner_text("h1")
        await assert_accessible(resident)
        await resident.click("a:has-text('Back to the commitment')")
        main = await resident.inner_text("main")
        assert PROMISE in main and "Fewer than 5 people have answered so far" in main
        assert "Four lamps are up so far" not in main  # waits for a moderator
        await assert_accessible(resident)
        await resident.goto(link)
        assert "You have already answered: Partly done" in await resident.inner_text("main")
    finally:
        await context.close()
