"""Browser journey: PC Shah runs a priorities round, Rosa votes and confirms by email, the team
publishes. axe-core checks every page on the way."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from civic.core.db import Database
from civic.core.localtime import input_value
from civic.core.outbox import OutboxMessage
from civic.core.users import Role
from tests.browser.conftest import LiveServer, assert_accessible, sign_in

pytestmark = pytest.mark.browser


@asynccontextmanager
async def database(live_server: LiveServer) -> AsyncIterator[Database]:
    """Our own engine on the live server's database, disposed after use (no connection left open)."""
    db = Database(live_server.settings.database_url)
    try:
        yield db
    finally:
        await db.dispose()


async def latest_mail(live_server: LiveServer, to: str) -> str:
    async with database(live_server) as db, db.reading() as session:
        rows = await session.exec(
            select(OutboxMessage).where(OutboxMessage.to_address == to).order_by(col(OutboxMessage.id).desc())
        )
        message = rows.first()
    assert message is not None
    return message.body_text


async def test_a_team_runs_a_round_and_rosa_votes(page: Any, browser: Any, live_server: LiveServer) -> None:
    await sign_in(page, live_server.staff[Role.POLICE])
    await page.click("text=Police priorities: rounds and progress")
    await assert_accessible(page)
    await page.click("text=Start a new round")
    await assert_accessible(page)
    start = datetime.now(UTC).replace(second=0, microsecond=0)
    await page.fill("#title", "Browser round")
    await page.fill("#opens_at", input_value(start))  # datetime-local, in UK time
    await page.fill("#closes_at", input_value(start + timedelta(days=1)))
    await page.fill("#closes_at", "")
    await page.click("button:has-text('Create draft round')")  # no closing date: an error, not a crash
    assert await page.locator(".govuk-error-summary").count() == 1
    await assert_accessible(page)
    await page.fill("#closes_at", input_value(start + timedelta(days=14)))
    await page.click("button:has-text('Create draft round')")
    await page.wait_for_url(re.compile(r".*/priorities/manage/rounds/\d+$"))
    round_url = page.url
    await assert_accessible(page)
    for category, title in [
        ("drug_dealing", "Dealing at the station"),
        ("speeding", "Speeding on Castle Road"),
        ("street_drinking", "Drinking in Market Square"),
    ]:
        await page.select_option("#category", category)
        await page.fill("#title", title)
        await page.click("button:has-text('Add candidate')")
        await page.wait_for_load_state()
    await page.click("button:has-text('Open voting')")
    await page.wait_for_load_state()
    await assert_accessible(page)
    round_id = round_url.rstrip("/").rsplit("/", 1)[1]

    resident = await (await browser.new_context(base_url=live_server.url)).new_page()
    await resident.goto("/priorities")
    await assert_accessible(resident)
    await resident.click("text=Browser round")
    await assert_accessible(resident)
    await resident.click("text=Vote now")
    await assert_accessible(resident)
    await resident.click("button:has-text('Send my vote')")  # empty: errors
    assert await resident.locator(".govuk-error-summary").count() == 1
    await assert_accessible(resident)
    await resident.check("label:has-text('Dealing at the station')")
    await resident.check("label:has-text('Speeding on Castle Road')")
    await resident.fill("#email", "rosa@example.com")
    await resident.fill("#postcode", "FB6 1UU")
    await resident.check("#opt_in")
    await resident.click("button:has-text('Send my vote')")
    await resident.wait_for_url(f"**/priorities/rounds/{round_id}/check-email")
    await assert_accessible(resident)
    link = re.search(r"(/priorities/confirm/\S+)", await latest_mail(live_server, "rosa@example.com"))
    assert link
    await resident.goto(link.group(1))
    await assert_accessible(resident)
    await resident.click("button:has-text('Confirm my vote')")
    await resident.wait_for_load_state()
    assert "Your vote is counted" in await resident.content()
    await assert_accessible(resident)

    await page.goto(round_url)
    await page.click("button:has-text('Close voting and count')")
    await page.wait_for_load_state()
    await assert_accessible(page)
    await page.click("button:has-text('Publish results')")
    await page.wait_for_load_state()
    await assert_accessible(page)
    await page.click("a:has-text('Dealing at the station')")
    await assert_accessible(page)
    await page.select_option("#status", "in_progress")
    await page.fill("#target", "Patrols every Friday night")
    await page.fill("#text", "First two patrols done; one arrest.")
    await page.click("button:has-text('Save and publish')")
    await page.wait_for_load_state()
    await assert_accessible(page)

    await resident.goto(f"/priorities/rounds/{round_id}")
    assert "fewer than 5" in await resident.content()
    await assert_accessible(resident)
    await resident.goto("/priorities/fernbridge-central")
    assert "First two patrols done; one arrest." in await resident.content()
    await assert_accessible(resident)
    await resident.click("a:has-text('Dealing at the station')")
    await assert_accessible(resident)
    await resident.context.close()


async def open_round(live_server: LiveServer, title: str) -> int:
    from civic.priorities import service
    from civic.priorities.models import Category, RoundState

    now = datetime.now(UTC)
    async with database(live_server) as db, db.transaction() as session:
        item = await service.create_round(
            session,
            actor=None,
            neighbourhood_slug="fernbridge-central",
            title=title,
            opens_at=now,
            closes_at=now + timedelta(days=7),
            now=now,
        )
        for category, issue in [
            (Category.SPEEDING, "Speeding on Mill Road"),
            (Category.BURGLARY, "Shed break-ins"),
        ]:
            await service.add_candidate(
                session, item, actor=None, category=category, title=issue, description="", now=now
            )
        await service.transition(session, item, RoundState.VOTING_OPEN, actor=None, now=now)
    return item.id or 0


async def test_the_vote_form_works_without_javascript(page_without_js: Any, live_server: LiveServer) -> None:
    # axe-core needs JavaScript, so these pages are checked in the journey above instead.
    page = page_without_js
    round_id = await open_round(live_server, "No-script round")
    await page.goto(f"/priorities/rounds/{round_id}")
    await page.click("text=Vote now")
    await page.check("#works_here")
    await page.click("button:has-text('Send my vote')")
    assert await page.locator(".govuk-error-summary").count() == 1
    await page.check("label:has-text('Speeding on Mill Road')")
    await page.fill("#email", "nojs@example.com")
    await page.fill("#postcode", "ZZ1 1AA")
    await page.click("button:has-text('Send my vote')")
    await page.wait_for_url(f"**/priorities/rounds/{round_id}/check-email")
    link = re.search(r"(/priorities/confirm/\S+)", await latest_mail(live_server, "nojs@example.com"))
    assert link
    await page.goto(link.group(1))
    await page.click("button:has-text('Confirm my vote')")
    await page.wait_for_load_state()
    assert "Your vote is counted" in await page.content()
