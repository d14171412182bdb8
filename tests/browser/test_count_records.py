""" "Check this count" pages in a real browser (axe-core), and `civic recount` over real HTTP against
the live server."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import col, select

from civic import recount_commands
from civic.budgets import service, service_results, service_voting
from civic.budgets.models import Channel
from civic.core.countrecord import CountRecord
from civic.core.db import row_id
from tests.browser.conftest import LiveServer, assert_accessible
from tests.browser.test_budgets import dispose_databases, own_db, seed

pytestmark = pytest.mark.browser
__all__ = ["dispose_databases"]  # the autouse fixture, imported so it runs here too


async def recount_url(
    live_server: LiveServer, url: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    args = argparse.Namespace(source=url)
    code = await asyncio.to_thread(
        lambda: asyncio.run(recount_commands.recount_command(args, live_server.settings))
    )
    return code, capsys.readouterr().out


async def test_a_budget_count_page_is_accessible_and_its_url_recounts(
    page: Any, live_server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    process = await seed(live_server, "count-browser-fund", (-60, -50, -40, -30, 10))
    now = datetime.now(UTC)
    async with own_db(live_server).transaction() as session:
        proposals = await service.proposals_of(session, row_id(process))
        for i in range(9):
            await service_voting.store_ballot(
                session,
                process_id=row_id(process),
                area_id=None,
                age_band="14-16",
                channel=Channel.ONLINE,
                choices=[row_id(proposals[i % 4]), row_id(proposals[(i + 2) % 4])],
                secret=None,
            )
        result = await service_results.compute(session, process, actor=None, now=now)
        await service_results.publish(session, result, process, actor=None, now=now)
    await page.goto(f"/budgets/{process.slug}/results")
    await page.click("text=Check this count yourself")
    await assert_accessible(page)
    assert await page.locator("h1").inner_text() == f"Check this count: {process.title}"
    assert await page.locator("code.civic-digest").count() >= 3  # two files, the record, its audit entry
    code, out = await recount_url(
        live_server, f"{live_server.url}/budgets/{process.slug}/count/record.json", capsys
    )
    assert code == 0 and "Result: match" in out, out


async def test_a_priorities_count_page_from_the_demo_is_accessible_and_recounts(
    page: Any, live_server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    async with own_db(live_server).reading() as session:
        records = (
            await session.exec(
                select(CountRecord).where(CountRecord.kind == "priorities").order_by(col(CountRecord.id))
            )
        ).all()
    assert records, "the demo publishes priorities rounds, each with a count record"
    round_id = records[-1].object_id
    await page.goto(f"/priorities/rounds/{round_id}")
    await page.click("text=Check this count yourself")
    await assert_accessible(page)
    code, out = await recount_url(
        live_server, f"{live_server.url}/priorities/rounds/{round_id}/count/record.json", capsys
    )
    assert code == 0 and "Result: match" in out, out
