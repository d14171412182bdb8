from __future__ import annotations

from datetime import UTC, datetime

import pytest

from civic.core.clock import FrozenClock
from civic.demo import load_demo
from tests.conftest import make_settings
from tests.support.web import WebClient


async def test_the_demo_has_a_budget_in_voting_and_one_with_results_and_delivery(
    database_url: str, web: WebClient, capsys: pytest.CaptureFixture[str], clock: FrozenClock
) -> None:
    clock.set(datetime.now(UTC))  # the demo is dated from the real clock
    assert await load_demo(make_settings(database_url)) == 0
    printed = capsys.readouterr().out
    assert (
        "voting codes for 'Fernbridge Youth Fund 2027'" in printed and "youth@fernbridge.example" in printed
    )
    home = await web.get("/")
    assert "Vote: Fernbridge Youth Fund 2027" in home.text
    voting = await web.get("/budgets/youth-fund-2027")
    assert "Vote now" in voting.text
    results = await web.get("/budgets/youth-fund-2026/results")
    assert "Method of Equal Shares" in results.text and "Funded" in results.text
    delivery = await web.get("/budgets/youth-fund-2026/delivery")
    assert "Finished and open to everyone." in delivery.text
