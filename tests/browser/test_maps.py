"""Browser visits to every page with a ward map, with axe-core on each: the SVG map (each ward a
link with an accessible name), its key and the table beside it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from civic.core.clock import SystemClock
from civic.core.db import Database
from civic.petitions.models import Petition, Signature, SignatureState, State
from civic.priorities.models import PriorityRound, RoundState
from tests.browser.conftest import LiveServer, assert_accessible

pytestmark = pytest.mark.browser


@contextlib.asynccontextmanager
async def database(live_server: LiveServer) -> AsyncIterator[Database]:
    """A short-lived engine of our own, disposed at once (the live server's is never closed)."""
    db = Database(live_server.settings.database_url)
    try:
        yield db
    finally:
        await db.dispose()


async def add_petition(live_server: LiveServer, signatures: dict[str, int]) -> int:
    now = SystemClock().now()
    async with database(live_server) as db, db.transaction() as session:
        petition = Petition(
            action="Plant trees along Mill Lane", background="There is no shade.", creator_name="Mo Map",
            creator_email="mo@example.org", creator_key="map-key", created_at=now, updated_at=now,
            state=State.OPEN, opened_at=now, closes_at=now + timedelta(days=100), response_threshold=100,
            debate_threshold=1500, moderation_entered_at=now,
        )  # fmt: skip
        session.add(petition)
        await session.flush()
        n = 0
        for ward, count in signatures.items():
            for _ in range(count):
                n += 1
                session.add(Signature(
                    petition_id=petition.id or 0, name=f"M{n}", email=f"m{n}.{petition.id}@example.org",
                    email_canonical=f"m{n}.{petition.id}@example.org", ward_code=ward,
                    state=SignatureState.VALIDATED, created_at=now, validated_at=now,
                ))  # fmt: skip
    assert petition.id is not None
    return petition.id


async def published_round(live_server: LiveServer) -> int:
    """A demo round whose results are published with voters by ward."""
    async with database(live_server) as db, db.reading() as session:
        rounds = await session.exec(
            select(PriorityRound)
            .where(PriorityRound.state == RoundState.PUBLISHED)
            .order_by(col(PriorityRound.id))
        )
        found = [r.id for r in rounds.all() if r.ward_counts and r.id is not None]
    assert found, "the demo has a published round with voters by ward"
    return found[0]


async def assert_map(page: Any, wards: int) -> None:
    """The map is drawn with one named link per ward, a key, and a table with a row per ward."""
    figure = page.locator("figure.civic-map")
    assert await figure.count() == 1
    links = figure.locator("svg.civic-map__svg a.civic-map__link")
    assert await links.count() == wards
    for label in await links.evaluate_all("(els) => els.map((e) => e.getAttribute('aria-label'))"):
        assert ": " in label  # "Ward name: its figure"
    assert await figure.locator(".civic-map__key li").count() >= 5
    assert await figure.locator("table tbody tr").count() == wards
    box = await figure.locator("svg.civic-map__svg").bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100  # drawn, not collapsed


async def test_the_petition_page_map(page: Any, live_server: LiveServer) -> None:
    petition_id = await add_petition(live_server, {"E05900001": 24, "E05900003": 9, "E05900006": 2})
    await page.goto(f"/petitions/{petition_id}")
    await assert_accessible(page)
    await assert_map(page, 12)
    label = await page.locator('a.civic-map__link[href="/responses/wards/E05900001"]').get_attribute(
        "aria-label"
    )
    assert label == "Abbey: 2.1 signatures per 1,000 residents (24 in all)"
    await page.click('figure.civic-map table a:has-text("Abbey")')
    await page.wait_for_url("**/responses/wards/E05900001")
    await assert_accessible(page)


async def test_the_priorities_round_results_map(page: Any, live_server: LiveServer) -> None:
    round_id = await published_round(live_server)
    await page.goto(f"/priorities/rounds/{round_id}")
    await assert_accessible(page)
    drawn = await page.locator("svg.civic-map__svg a.civic-map__link").count()
    assert 0 < drawn < 12  # the neighbourhood's wards
    await assert_map(page, drawn)


async def test_the_youth_budget_results_map(page: Any, live_server: LiveServer) -> None:
    await page.goto("/budgets/youth-fund-2026/results")  # the demo's North and Central cover every ward
    await assert_accessible(page)
    await assert_map(page, 12)
    label = await page.locator('a.civic-map__link[href="/responses/wards/E05900001"]').get_attribute(
        "aria-label"
    )
    assert label is not None and label.startswith("Abbey: North area, ") and "ballots per 1,000" in label


async def test_the_report_cards_map(page: Any, live_server: LiveServer) -> None:
    await page.goto("/responses/report-cards")
    await assert_accessible(page)
    await assert_map(page, 12)


async def test_the_open_data_page_lists_the_maps(page: Any, live_server: LiveServer) -> None:
    await page.goto("/data")
    await assert_accessible(page)
    assert await page.locator("text=Report card grades by ward: map").count() >= 1
    response = await page.request.get("/responses/report-cards/wards.geojson")
    assert response.ok and (await response.json())["type"] == "FeatureCollection"
