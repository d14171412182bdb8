"""The public results page: spend chart with its table, turnout with small counts suppressed, ties."""

from __future__ import annotations

import re

from sqlmodel import col, select, update

from civic.budgets import service_codes, service_results, service_voting
from civic.budgets.models import BudgetCode, Channel
from civic.budgets.tally import TIE_BREAK_TEXT
from civic.core.db import Database, row_id
from civic.core.users import Role
from tests.budgets.conftest import create_budget
from tests.conftest import SECRET, StaffFactory
from tests.support.web import WebClient


async def publish(
    db: Database, make_staff: StaffFactory, slug: str, ballots: list[tuple[Channel, str]]
) -> None:
    """A counted, published budget with `ballots` (channel, age band) all choosing projects 1 and 4."""
    from tests.conftest import START

    fund = await create_budget(db, slug, offsets=(-40, -30, -20, -1, 30))
    worker = await make_staff(Role.YOUTH_WORKER)
    async with db.transaction() as session:
        _, plain = await service_codes.create_batch(
            session,
            fund.process,
            actor=None,
            secret=SECRET,
            label="Club",
            size=20,
            area_id=None,
            age_band="14-16",
            now=START,
        )
        online = sum(1 for channel, _ in ballots if channel == Channel.ONLINE)
        hashes = [service_codes.code_hash(SECRET, code) for code in plain[:online]]
        await session.exec(update(BudgetCode).where(col(BudgetCode.code_hash).in_(hashes)).values(used=True))  # type: ignore[call-overload]
        for channel, band in ballots:
            await service_voting.store_ballot(
                session,
                process_id=row_id(fund.process),
                area_id=None,
                age_band=band,
                channel=channel,
                choices=[row_id(fund.proposals[0]), row_id(fund.proposals[3])],
                secret=None,
            )
        result = await service_results.compute(session, fund.process, actor=worker, now=START)
        await service_results.publish(session, result, fund.process, actor=worker, now=START)
        assert len((await session.exec(select(BudgetCode).where(BudgetCode.used))).all()) == online


def turnout_row(page: str, label: str) -> str:
    match = re.search(rf">{re.escape(label)}</td><td[^>]*>([^<]*)</td>", page)
    assert match, label
    return match.group(1)


async def test_the_spend_is_a_chart_with_the_same_numbers_in_a_table(
    web: WebClient, db: Database, make_staff: StaffFactory
) -> None:
    await publish(db, make_staff, "chart-fund", [(Channel.ONLINE, "14-16")] * 6)
    page = (await web.get("/budgets/chart-fund/results")).text
    chart = page[page.index('<svg class="civic-bar-chart civic-spend-chart"') :]
    chart = chart[: chart.index("</figure>")]
    assert 'aria-hidden="true"' in chart[: chart.index(">")]  # the table speaks for it
    # the art wall (£4,500) and skate park lights (£18,000) have the votes; greedy goes on down the
    # list and the football (£6,000, no votes) fits too: £1,500 of £30,000 is left
    for label, amount, share in [
        ("1. Skate park lights", "£18,000", "60.0%"),
        ("4. Art wall", "£4,500", "15.0%"),
        ("3. Girls&#39; football", "£6,000", "20.0%"),
        ("Not spent", "£1,500", "5.0%"),
    ]:
        assert re.search(
            rf">{re.escape(label)}</th>\s*<td[^>]*>{amount}</td>\s*<td[^>]*>{share}</td>", chart
        ), label
        assert f">{amount}</text>" in chart
    assert "How the £30,000 for Chart Fund is spent" in chart
    assert chart.count("<rect") == 4
    data = (await web.get("/budgets/chart-fund/results.json")).json()["data"]
    assert data["areas"] == [{"area": "Chart Fund", "budget": 30_000, "spent": 28_500, "selected": [4, 1, 3]}]
    assert data["tie_break"] == TIE_BREAK_TEXT
    assert TIE_BREAK_TEXT.replace("'", "&#39;") in page


async def test_turnout_hides_small_counts_and_anything_that_would_reveal_them(
    web: WebClient, db: Database, make_staff: StaffFactory
) -> None:
    ballots = [(Channel.ONLINE, "14-16")] * 6 + [(Channel.PAPER, "")] * 3
    await publish(db, make_staff, "small-fund", ballots)
    page = (await web.get("/budgets/small-fund/results")).text
    assert "9 ballots in all" in page
    assert turnout_row(page, "Paper") == "fewer than 5" and turnout_row(page, "Online") == "not shown"
    assert turnout_row(page, "14-16") == "not shown" and turnout_row(page, "Not recorded") == "fewer than 5"
    assert turnout_row(page, "11-13") == "0"
    # the codes used are the online ballots, so they are not given either
    assert "voting codes handed out were used" not in page


async def test_turnout_shows_the_share_of_codes_used_when_nothing_is_small(
    web: WebClient, db: Database, make_staff: StaffFactory
) -> None:
    ballots = [(Channel.ONLINE, "14-16")] * 12 + [(Channel.PAPER, "17-19")] * 5
    await publish(db, make_staff, "big-fund", ballots)
    page = (await web.get("/budgets/big-fund/results")).text
    assert "17 ballots in all: 12 of the 20 voting codes handed out were used (60%)." in page
    assert turnout_row(page, "Online") == "12" and turnout_row(page, "Paper") == "5"
    assert turnout_row(page, "17-19") == "5" and "Not recorded" not in page


async def test_fewer_than_5_ballots_in_all_are_not_counted_out_loud(
    web: WebClient, db: Database, make_staff: StaffFactory
) -> None:
    await publish(db, make_staff, "tiny-fund", [(Channel.PAPER, "14-16")] * 3)
    page = (await web.get("/budgets/tiny-fund/results")).text
    assert "Fewer than 5 ballots in all" in page and "3 ballots" not in page


async def test_a_decision_made_after_the_published_count_is_shown_as_not_part_of_it(
    web: WebClient, db: Database, make_staff: StaffFactory
) -> None:
    from civic.budgets import service
    from tests.conftest import START

    await publish(db, make_staff, "late-fund", [(Channel.ONLINE, "14-16")] * 6)
    admin = await make_staff(Role.ADMIN)
    async with db.transaction() as session:
        process = await service.get_process(session, "late-fund")
        assert process is not None
        proposal = await service.get_proposal(session, row_id(process), 4)
        assert proposal is not None
        await service.add_override(session, proposal, reason="The wall was sold.", actor=admin, now=START)
    page = (await web.get("/budgets/late-fund/results")).text
    assert "after this count, project 4 was left out of any new count: The wall was sold." in page
    assert "Project 4 was left out of the count" not in page


async def test_the_page_states_the_small_count_rule_its_table_follows(
    web: WebClient, db: Database, make_staff: StaffFactory
) -> None:
    """The page once said "numbers under 5 are not shown" above a table showing 0 for an age band."""
    from civic.core.publish import SMALL_COUNT_SENTENCE

    await publish(db, make_staff, "rule-fund", [(Channel.ONLINE, "14-16")] * 6 + [(Channel.PAPER, "")] * 3)
    page = (await web.get("/budgets/rule-fund/results")).text
    assert turnout_row(page, "11-13") == "0"
    assert SMALL_COUNT_SENTENCE.replace("'", "&#39;") in page
    assert "under 5 are not shown" not in page
