"""Browser journeys through petitions, with axe-core on every page visited."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from civic.core.clock import SystemClock
from civic.core.db import Database
from civic.core.outbox import OutboxMessage
from civic.core.users import Role
from civic.petitions.models import Petition, Signature, SignatureState, State
from tests.browser.conftest import LiveServer, assert_accessible, sign_in

pytestmark = pytest.mark.browser


@contextlib.asynccontextmanager
async def database(live_server: LiveServer) -> AsyncIterator[Database]:
    """A short-lived engine of our own, disposed at once (the live server's is never closed)."""
    db = Database(live_server.settings.database_url)
    try:
        yield db
    finally:
        await db.dispose()


async def add_petition(live_server: LiveServer, state: State, action: str, signatures: int = 0) -> int:
    now = SystemClock().now()
    async with database(live_server) as db, db.transaction() as session:
        petition = Petition(
            action=action, background="It is dark and people trip.", creator_name="Bea Browser",
            creator_email="bea@example.org", creator_key="browser-key", created_at=now, updated_at=now,
            state=state, opened_at=now, closes_at=now + timedelta(days=100), response_threshold=100,
            debate_threshold=1500, moderation_entered_at=now,
        )  # fmt: skip
        session.add(petition)
        await session.flush()
        for n in range(signatures):
            session.add(Signature(
                petition_id=petition.id or 0, name=f"S{n}", email=f"s{n}.{petition.id}@example.org",
                email_canonical=f"s{n}.{petition.id}@example.org", ward_code=["E05900001", "E05900006"][n % 2],
                state=SignatureState.VALIDATED, created_at=now, validated_at=now,
            ))  # fmt: skip
    assert petition.id is not None
    return petition.id


async def last_link_to(live_server: LiveServer, address: str) -> str:
    async with database(live_server) as db, db.reading() as session:
        rows = await session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == address)
            .order_by(col(OutboxMessage.id).desc())
        )
        message = rows.first()
    assert message is not None
    found = re.search(r"https?://[^\s]+/petitions/confirm\?token=[^\s]+", message.body_text)
    assert found
    return found.group(0)


async def test_nadia_signs_a_petition_and_confirms_it_from_her_email(
    page: Any, live_server: LiveServer
) -> None:
    petition_id = await add_petition(live_server, State.OPEN, "Light the path through Brook Green park", 7)
    await page.goto("/petitions")
    await assert_accessible(page)
    await page.click("text=Light the path through Brook Green park")
    await assert_accessible(page)
    assert await page.locator("svg.civic-map__svg a.civic-map__link").count() == 12  # the demo has boundaries
    await page.click("text=Sign this petition")
    await assert_accessible(page)
    await page.click("button:has-text('Continue')")
    assert await page.locator(".govuk-error-summary").count() == 1
    await assert_accessible(page)
    await page.fill("#name", "Nadia Resident")
    await page.fill("#email", "nadia@example.org")
    await page.fill("#postcode", "FB6 1UU")
    await page.check("#residency")
    await page.check("#notify")
    await page.click("button:has-text('Continue')")
    await page.wait_for_url(f"**/petitions/{petition_id}/signed")
    await assert_accessible(page)
    await page.goto(await last_link_to(live_server, "nadia@example.org"))
    await assert_accessible(page)
    await page.click("button:has-text('Confirm')")
    await page.wait_for_url(f"**/petitions/{petition_id}/thanks?result=confirmed")
    await assert_accessible(page)
    await page.goto(f"/petitions/{petition_id}")
    assert "8" in await page.locator("#petition-count").inner_text()


async def test_omar_starts_a_petition_through_the_question_pages(page: Any, live_server: LiveServer) -> None:
    await page.goto("/petitions/new")
    await assert_accessible(page)
    await page.fill("#action", "Open the leisure centre pool earlier")
    await page.fill("#background", "Shift workers cannot swim before work.")
    await page.click("button:has-text('Continue')")
    await assert_accessible(page)
    if await page.locator("text=My petition is different").count():
        await page.click("text=My petition is different")
    await page.fill("#name", "Omar Resident")
    await page.fill("#email", "omar@example.org")
    await page.fill("#postcode", "FB6 1UU")
    await page.click("button:has-text('Continue')")
    await assert_accessible(page)
    assert "Check your petition" in await page.content()
    await page.click("button:has-text('Create petition')")
    await page.wait_for_url("**/petitions/new/check-email")
    await assert_accessible(page)


async def test_staff_moderate_and_respond(page: Any, live_server: LiveServer) -> None:
    waiting = await add_petition(live_server, State.MODERATION, "Put benches along the river path")
    open_one = await add_petition(live_server, State.OPEN, "Repaint the bandstand", 3)
    await sign_in(page, live_server.staff[Role.MODERATOR])
    await page.goto("/petitions/moderation")
    await assert_accessible(page)
    await page.goto(f"/petitions/{waiting}/moderate")
    await assert_accessible(page)
    await page.check("#decision")  # approve
    await page.click("button:has-text('Save decision')")
    await page.wait_for_url("**/petitions/moderation?done=1")
    await assert_accessible(page)
    await page.goto(f"/petitions/{open_one}/signatures?domain=example.org")
    await assert_accessible(page)
    await page.goto("/staff")
    await page.click("button:has-text('Sign out')")
    await sign_in(page, live_server.staff[Role.COUNCILLOR])
    await page.goto(f"/petitions/{open_one}/response")
    await assert_accessible(page)
    await page.fill("#summary", "We will repaint it in May.")
    await page.fill("#details", "The budget is agreed.")
    await page.click("button:has-text('Save and preview')")
    await page.wait_for_url("**/responses/*/preview")
    await assert_accessible(page)
    await page.click("button:has-text('Publish response')")
    await page.wait_for_url("**/responses/*")
    await page.goto(f"/petitions/{open_one}")
    await assert_accessible(page)
    assert "We will repaint it in May." in await page.content()
