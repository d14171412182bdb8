"""A young person's own share on the receipt page, in a real browser: axe-core on the page, and the
same page without JavaScript."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from civic.budgets import service, service_results, service_voting
from civic.budgets.models import BallotType, Channel, Feasibility, TallyRule
from civic.core.db import row_id
from civic.core.users import Role, get_user_by_email
from tests.browser.conftest import LiveServer, assert_accessible
from tests.browser.test_budgets import dispose_databases, own_db
from tests.budgets.conftest import PROJECTS, make_process

pytestmark = pytest.mark.browser
__all__ = ["dispose_databases"]  # the autouse fixture that disposes our database handle


async def published_fund(live_server: LiveServer, slug: str) -> str:
    """A published equal-shares count; returns the receipt of a ballot for the lights and the art wall."""
    now = datetime.now(UTC)
    process = make_process(
        slug,
        now,
        offsets=(-60, -50, -40, -30, 10),
        rule=TallyRule.MES,
        ballot_type=BallotType.APPROVAL,
        min_choices=1,
        max_choices=4,
    )
    secret = str(live_server.settings.secret_key)
    async with own_db(live_server).transaction() as session:
        process = await service.create_process(session, process, [], actor=None, now=now)
        ids = []
        for title, cost in PROJECTS:
            p = await service.create_proposal(
                session, process, title=title, summary=title, area_id=None, idea_ids=[], actor=None, now=now
            )
            await service.assess_proposal(
                session, p, cost=cost, feasibility=Feasibility.FEASIBLE, reason="Costed", actor=None, now=now
            )
            ids.append(row_id(p))
        receipt = ""
        for choices, count in [([ids[0], ids[3]], 6), ([ids[1]], 2), ([ids[2], ids[1]], 1)]:
            for _ in range(count):
                _, receipt_ = await service_voting.store_ballot(
                    session,
                    process_id=row_id(process),
                    area_id=None,
                    age_band="14-16",
                    channel=Channel.ONLINE,
                    choices=choices,
                    secret=secret,
                )
                receipt = receipt or receipt_
        result = await service_results.compute(session, process, actor=None, now=now)
        worker = await get_user_by_email(session, live_server.staff[Role.YOUTH_WORKER])
        assert worker is not None
        await service_results.publish(session, result, process, actor=worker, now=now)
    return receipt


async def check_receipt(page: Any, slug: str, receipt: str) -> str:
    await page.goto(f"/budgets/{slug}/results")
    await page.click("text=Enter your receipt to see your own share")
    await page.fill("#receipt", receipt)
    await page.click("button:has-text('Check my vote')")
    await page.wait_for_selector("#your-share")
    return str(await page.locator("main").inner_text())


async def test_the_receipt_page_shows_the_share_accessibly_with_and_without_javascript(
    page: Any, page_without_js: Any, live_server: LiveServer
) -> None:
    receipt = await published_fund(live_server, "share-browser-fund")
    text = await check_receipt(page, "share-browser-fund", receipt)
    assert "Your share was £3,749.33." in text and "You paid £750 towards Art wall." in text
    await assert_accessible(page)
    text = await check_receipt(page_without_js, "share-browser-fund", receipt)
    assert "Skate park lights, which you chose, was not funded" in text
