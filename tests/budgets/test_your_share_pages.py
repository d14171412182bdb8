"""Over HTTP: the receipt page shows a young person their own share once the results are published,
and not before; a share is never stored; junk receipts get a clear 422."""

from __future__ import annotations

import json
import re
from html import unescape

from civic.budgets import service_results, service_voting
from civic.budgets.models import BallotType, BudgetProcess, BudgetResult, Channel, TallyRule
from civic.core.db import Database, row_id
from civic.core.users import Role
from tests.budgets.conftest import create_budget
from tests.conftest import SECRET, START, StaffFactory
from tests.support.web import WebClient

CLOSED = (-40, -30, -20, -1, 30)  # voting closed a day before START


def page_text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


async def counted_fund(
    db: Database, make_staff: StaffFactory, slug: str, *, rule: TallyRule = TallyRule.MES, **extra: object
) -> tuple[str, dict[str, str], int]:
    """A closed budget with ballots cast online and on paper, counted but not published: the slug,
    one receipt per kind of ballot, and the result's id."""
    fund = await create_budget(
        db, slug, offsets=CLOSED, rule=rule, ballot_type=BallotType.APPROVAL, min_choices=1, max_choices=4
    )
    p = [row_id(x) for x in fund.proposals]  # lights 18,000, studio 9,500, football 6,000, art 4,500
    kinds = {"lights+art": [p[0], p[3]], "studio": [p[1]], "football+studio": [p[2], p[1]]}
    plan = [("lights+art", 6), ("studio", 2), ("football+studio", 1)]
    receipts: dict[str, str] = {}
    worker = await make_staff(Role.YOUTH_WORKER)
    async with db.transaction() as session:
        for kind, count in plan:
            for _ in range(count):
                _, receipt = await service_voting.store_ballot(
                    session,
                    process_id=row_id(fund.process),
                    area_id=None,
                    age_band="14-16",
                    channel=Channel.ONLINE,
                    choices=kinds[kind],
                    secret=SECRET,
                )
                receipts[kind] = receipt
        result = await service_results.compute(session, fund.process, actor=worker, now=START)
    return slug, receipts, row_id(result)


async def publish(db: Database, make_staff: StaffFactory, slug: str, result_id: int) -> None:
    worker = await make_staff(Role.YOUTH_WORKER)
    async with db.transaction() as session:
        result = await session.get(BudgetResult, result_id)
        assert result is not None
        process = await session.get(BudgetProcess, result.process_id)
        assert process is not None
        await service_results.publish(session, result, process, actor=worker, now=START)


async def test_the_share_shows_after_the_results_are_published_and_not_before(
    db: Database, web: WebClient, make_staff: StaffFactory
) -> None:
    slug, receipts, result_id = await counted_fund(db, make_staff, "share-fund")
    before = await web.post_form(f"/budgets/{slug}/receipt", {"receipt": receipts["lights+art"]})
    assert before.status_code == 200
    text = page_text(before.text)
    assert "Your vote was counted" in text and "Your share was" not in text
    assert "When the results are published, enter your receipt here again to see your own share" in text
    await publish(db, make_staff, slug, result_id)
    after = await web.post_form(f"/budgets/{slug}/receipt", {"receipt": receipts["lights+art"]})
    assert after.status_code == 200 and after.headers["cache-control"] == "no-store"
    text = page_text(after.text)
    assert "Your share was £3,749.33. Everyone who voted had the same share." in text
    assert "You helped pay for Art wall. You paid £750 towards Art wall." in text
    assert "Skate park lights, which you chose, was not funded, because it cost more than the money" in text
    assert re.search(r"What your share paid for.*Art wall.*£750", text)
    other = page_text(
        (await web.post_form(f"/budgets/{slug}/receipt", {"receipt": receipts["football+studio"]})).text
    )
    assert "You paid £3,166.67 towards Music studio." in other
    assert "Girls' football, which you chose, was paid for at the end" in other
    assert "Art wall" not in other  # another voter's choices are not shown
    # the results page points to it
    results = await web.get(f"/budgets/{slug}/results")
    assert "Enter your receipt to see your own share" in results.text


async def test_a_greedy_count_says_there_were_no_shares_and_junk_receipts_get_a_clear_error(
    db: Database, web: WebClient, make_staff: StaffFactory
) -> None:
    slug, receipts, result_id = await counted_fund(db, make_staff, "greedy-share", rule=TallyRule.GREEDY)
    await publish(db, make_staff, slug, result_id)
    page = page_text((await web.post_form(f"/budgets/{slug}/receipt", {"receipt": receipts["studio"]})).text)
    assert "nobody had a share of their own" in page and "Music studio, which you chose, was" in page
    for junk in ["", "AAAA-BBBB-CCCC", "\u0000" * 3, "x" * 5_000, "<script>"]:
        refused = await web.post_form(f"/budgets/{slug}/receipt", {"receipt": junk})
        assert refused.status_code in (400, 422), junk
        if refused.status_code == 422:
            assert "receipt" in refused.text.lower() and "Your share" not in refused.text


async def test_an_old_count_without_shares_says_the_share_cannot_be_shown(
    db: Database, web: WebClient, make_staff: StaffFactory
) -> None:
    slug, receipts, result_id = await counted_fund(db, make_staff, "old-share")
    async with db.transaction() as session:
        result = await session.get(BudgetResult, result_id)
        assert result is not None
        data = json.loads(result.outcome_json)
        for area in data["areas"]:
            del area["shares"]  # as counts made before shares were kept
        result.outcome_json = json.dumps(data)
        session.add(result)
    await publish(db, make_staff, slug, result_id)
    page = page_text((await web.post_form(f"/budgets/{slug}/receipt", {"receipt": receipts["studio"]})).text)
    assert "We cannot show your own share for this count." in page and "Your share was" not in page
