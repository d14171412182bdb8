"""Journeys over HTTP: codes, voting with a receipt, changing a vote, the secret ballot."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from sqlmodel import func, select

from civic.budgets.models import BudgetBallot, BudgetBallotChoice, BudgetCode
from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.users import Role
from tests.budgets.conftest import Budget
from tests.conftest import PASSWORD, StaffFactory
from tests.support.web import WebClient

CODE = re.compile(r'civic-code">([A-Z0-9]{5}-[A-Z0-9]{5})<')
RECEIPT = re.compile(r'id="receipt">([A-Z0-9-]{14})<')


async def issue_codes(
    web: WebClient, make_staff: StaffFactory, slug: str, size: int = 3, **extra: str
) -> list[str]:
    worker = await make_staff(Role.YOUTH_WORKER)
    await web.login(worker.email, PASSWORD)
    page = await web.post_form(
        f"/budgets/staff/{slug}/codes",
        {
            "label": "Northgate Academy Year 9",
            "size": str(size),
            "age_band": "14-16",
            "format": "cards",
            **extra,
        },
    )
    assert page.status_code == 200, page.text
    assert page.headers["cache-control"] == "no-store"
    await web.logout()
    return CODE.findall(page.text)


async def vote(web: WebClient, slug: str, code: str, choices: list[int]) -> str:
    entered = await web.post_form(f"/budgets/{slug}/vote", {"code": code, "eligible": "yes"})
    assert entered.status_code == 303, entered.text
    ballot = await web.get(f"/budgets/{slug}/ballot")
    assert ballot.status_code == 200
    chosen = await web.post_form(
        f"/budgets/{slug}/ballot", {"choice": [str(c) for c in choices], "action": "continue"}
    )
    assert chosen.status_code == 303, chosen.text
    assert chosen.headers["location"].endswith("/check")
    check = await web.get(f"/budgets/{slug}/check")
    assert "Check your choices" in check.text
    cast = await web.post_form(f"/budgets/{slug}/cast")
    assert cast.status_code == 303
    done = await web.get(f"/budgets/{slug}/voted")
    match = RECEIPT.search(done.text)
    assert match, done.text
    return match.group(1)


async def test_a_youth_worker_issues_codes_and_zara_votes_checks_her_receipt_and_changes_her_ballot(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory, budget: Budget, db: Database
) -> None:
    codes = await issue_codes(web, make_staff, budget.slug)
    assert len(codes) == 3 and len(set(codes)) == 3
    p = budget.proposals
    # Zara, 14, votes for the skate park lights and the art wall (£22,500 of £30,000)
    receipt = await vote(another_web, budget.slug, codes[0].lower().replace("-", " "), [p[0].id, p[3].id])  # type: ignore[list-item]
    # the same code cannot be used again
    again = await another_web.post_form(f"/budgets/{budget.slug}/vote", {"code": codes[0], "eligible": "yes"})
    assert again.status_code == 422 and "already been used" in again.text
    # her receipt shows what was counted
    checked = await another_web.post_form(f"/budgets/{budget.slug}/receipt", {"receipt": receipt})
    assert (
        "Your vote was counted" in checked.text
        and "Art wall" in checked.text
        and "Music studio" not in checked.text
    )
    # she changes her mind: music studio instead of the art wall
    change = await another_web.post_form(
        f"/budgets/{budget.slug}/receipt", {"receipt": receipt, "action": "change"}
    )
    assert change.status_code == 303
    await another_web.post_form(
        f"/budgets/{budget.slug}/ballot", {"choice": [str(p[0].id), str(p[1].id)], "action": "continue"}
    )
    assert (await another_web.post_form(f"/budgets/{budget.slug}/cast")).status_code == 303
    assert "Your vote has been changed" in (await another_web.get(f"/budgets/{budget.slug}/voted")).text
    checked = await another_web.post_form(f"/budgets/{budget.slug}/receipt", {"receipt": receipt})
    assert "Music studio" in checked.text and "Art wall" not in checked.text
    async with db.reading() as session:
        assert (await session.exec(select(func.count()).select_from(BudgetBallot))).one() == 1
        choices = (await session.exec(select(BudgetBallotChoice.proposal_id))).all()
        assert sorted(choices) == sorted([p[0].id, p[1].id])
        codes_used = (await session.exec(select(BudgetCode).where(BudgetCode.used))).all()
        assert len(codes_used) == 1


async def test_over_budget_and_empty_ballots_are_refused_with_messages(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory, budget: Budget
) -> None:
    codes = await issue_codes(web, make_staff, budget.slug, size=1)
    await another_web.post_form(f"/budgets/{budget.slug}/vote", {"code": codes[0], "eligible": "yes"})
    ids = [str(p.id) for p in budget.proposals]
    over = await another_web.post_form(
        f"/budgets/{budget.slug}/ballot", {"choice": ids, "action": "continue"}
    )
    assert over.status_code == 422 and "more than the £30,000 budget" in over.text
    assert "govuk-error-summary" in over.text
    empty = await another_web.post_form(f"/budgets/{budget.slug}/ballot", {"action": "continue"})
    assert empty.status_code == 422 and "Choose at least one project" in empty.text


async def test_the_running_total_updates_with_htmx_and_without_javascript(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory, budget: Budget
) -> None:
    codes = await issue_codes(web, make_staff, budget.slug, size=1)
    await another_web.post_form(f"/budgets/{budget.slug}/vote", {"code": codes[0], "eligible": "yes"})
    p = budget.proposals
    fragment = await another_web.post_htmx(
        f"/budgets/{budget.slug}/ballot/total", {"choice": [str(p[0].id), str(p[2].id)]}
    )
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<div id="running-total"')
    assert "£24,000" in fragment.text and "£6,000" in fragment.text and "<html" not in fragment.text
    # without JavaScript: the update button posts the form and the page shows the same total
    updated = await another_web.post_form(
        f"/budgets/{budget.slug}/ballot", {"choice": [str(p[1].id)], "action": "update"}
    )
    assert updated.status_code == 303
    page = await another_web.get(f"/budgets/{budget.slug}/ballot")
    assert "£9,500" in page.text and "£20,500" in page.text


async def test_each_voter_sees_the_projects_in_their_own_random_order(
    web: WebClient, make_staff: StaffFactory, db: Database, app: object
) -> None:
    from tests.budgets.conftest import create_budget

    many = await create_budget(db, "big-fund")
    codes = await issue_codes(web, make_staff, many.slug, size=6)
    orders = set()
    for code in codes:
        web.http.cookies.clear()
        await web.post_form(f"/budgets/{many.slug}/vote", {"code": code, "eligible": "yes"})
        page = (await web.get(f"/budgets/{many.slug}/ballot")).text
        first = (
            page.index("Skate park"),
            page.index("Music studio"),
            page.index("Girls"),
            page.index("Art wall"),
        )
        orders.add(tuple(sorted(range(4), key=lambda i: first[i])))
        again = (await web.get(f"/budgets/{many.slug}/ballot")).text
        assert again.index("Skate park") - again.index("Music studio") == page.index(
            "Skate park"
        ) - page.index("Music studio")
    assert len(orders) > 1


async def test_voided_codes_and_codes_after_the_close_do_not_work(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory, budget: Budget, clock: FrozenClock
) -> None:
    codes = await issue_codes(web, make_staff, budget.slug, size=2)
    worker = await make_staff(Role.YOUTH_WORKER)
    await web.login(worker.email, PASSWORD)
    voided = await web.post_form(
        f"/budgets/staff/{budget.slug}/codes/void", {"code": codes[0], "reason": "Card lost"}
    )
    assert voided.status_code == 303
    refused = await another_web.post_form(
        f"/budgets/{budget.slug}/vote", {"code": codes[0], "eligible": "yes"}
    )
    assert refused.status_code == 422 and "cancelled" in refused.text
    wrong = await another_web.post_form(
        f"/budgets/{budget.slug}/vote", {"code": "AAAAA-AAAAA", "eligible": "yes"}
    )
    assert wrong.status_code == 422 and "not right" in wrong.text
    clock.advance(timedelta(days=11))
    closed = await another_web.post_form(
        f"/budgets/{budget.slug}/vote", {"code": codes[1], "eligible": "yes"}
    )
    assert closed.status_code == 403


async def test_a_whole_batch_can_be_voided(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory, budget: Budget, db: Database
) -> None:
    codes = await issue_codes(web, make_staff, budget.slug, size=2)
    worker = await make_staff(Role.YOUTH_WORKER)
    await web.login(worker.email, PASSWORD)
    page = await web.get(f"/budgets/staff/{budget.slug}/codes")
    batch_id = re.search(r"/codes/(\d+)/void", page.text).group(1)  # type: ignore[union-attr]
    assert (
        await web.post_form(
            f"/budgets/staff/{budget.slug}/codes/{batch_id}/void", {"reason": "Sent to the wrong school"}
        )
    ).status_code == 303
    for code in codes:
        assert (
            await another_web.post_form(f"/budgets/{budget.slug}/vote", {"code": code, "eligible": "yes"})
        ).status_code == 422


async def test_codes_download_as_csv_once(web: WebClient, make_staff: StaffFactory, budget: Budget) -> None:
    worker = await make_staff(Role.YOUTH_WORKER)
    await web.login(worker.email, PASSWORD)
    response = await web.post_form(
        f"/budgets/staff/{budget.slug}/codes", {"label": "Riverside Youth Club", "size": "4", "format": "csv"}
    )
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.strip().splitlines()
    assert lines[0] == "code,batch,area,age_band,vote_at" and len(lines) == 5


async def test_a_batch_label_that_starts_like_a_formula_is_defused_in_the_codes_file(
    web: WebClient, make_staff: StaffFactory, budget: Budget
) -> None:
    worker = await make_staff(Role.YOUTH_WORKER)
    await web.login(worker.email, PASSWORD)
    response = await web.post_form(
        f"/budgets/staff/{budget.slug}/codes", {"label": "=HYPERLINK(1)", "size": "1", "format": "csv"}
    )
    [row] = list(csv.DictReader(io.StringIO(response.text)))
    assert row["batch"] == "'=HYPERLINK(1)"


async def test_code_guessing_is_rate_limited(another_web: WebClient, budget: Budget) -> None:
    for _ in range(20):
        await another_web.post_form(
            f"/budgets/{budget.slug}/vote", {"code": "AAAAA-AAAAA", "eligible": "yes"}
        )
    blocked = await another_web.post_form(
        f"/budgets/{budget.slug}/vote", {"code": "AAAAA-AAAAA", "eligible": "yes"}
    )
    assert blocked.status_code == 429


async def test_pupils_in_an_area_only_see_and_vote_for_that_areas_projects(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory, db: Database, areas: None
) -> None:
    from tests.budgets.conftest import create_budget

    split = await create_budget(
        db,
        "split-fund",
        areas=[("North", 15_000), ("South", 15_000)],
        ballot_type="approval",
        min_choices=1,
        max_choices=2,
    )
    async with db.reading() as session:
        from civic.budgets import service

        north = (await service.areas_of(session, row_id(split.process)))[0]
    codes = await issue_codes(web, make_staff, split.slug, size=1, area_id=str(north.id))
    await another_web.post_form(f"/budgets/{split.slug}/vote", {"code": codes[0], "eligible": "yes"})
    page = (await another_web.get(f"/budgets/{split.slug}/ballot")).text
    assert "Skate park" in page and "Girls" in page and "Music studio" not in page and "Art wall" not in page


async def test_every_budget_form_carries_a_real_csrf_token(web: WebClient, budget: Budget) -> None:
    page = await web.get(f"/budgets/{budget.slug}/vote")
    assert re.search(r'name="csrf_token" value="[^"]{20,}"', page.text)


async def test_voters_confirm_they_are_in_the_age_range(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory, budget: Budget
) -> None:
    codes = await issue_codes(web, make_staff, budget.slug, size=1)
    page = await another_web.get(f"/budgets/{budget.slug}/vote")
    assert "I am aged 11 to 25" in page.text
    refused = await another_web.post_form(f"/budgets/{budget.slug}/vote", {"code": codes[0]})
    assert refused.status_code == 422 and "Confirm you are aged 11 to 25" in refused.text


async def test_after_the_close_a_receipt_still_shows_the_vote_but_cannot_change_it(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory, budget: Budget, clock: FrozenClock
) -> None:
    codes = await issue_codes(web, make_staff, budget.slug, size=1)
    receipt = await vote(another_web, budget.slug, codes[0], [budget.proposals[1].id])  # type: ignore[list-item]
    clock.advance(timedelta(days=11))
    checked = await another_web.post_form(f"/budgets/{budget.slug}/receipt", {"receipt": receipt})
    assert "Your vote was counted" in checked.text and "can no longer be changed" in checked.text
    change = await another_web.post_form(
        f"/budgets/{budget.slug}/receipt", {"receipt": receipt, "action": "change"}
    )
    assert change.status_code == 403
    wrong = await another_web.post_form(f"/budgets/{budget.slug}/receipt", {"receipt": "AAAA-BBBB-CCCC"})
    assert wrong.status_code == 422


async def test_a_tampered_or_missing_voting_pass_sends_the_voter_back_to_the_code_page(
    another_web: WebClient, budget: Budget
) -> None:
    another_web.http.cookies.set("civic_budget_pass", "forged.123.abc", path=f"/budgets/{budget.slug}")
    response = await another_web.get(f"/budgets/{budget.slug}/ballot")
    assert response.status_code == 303 and response.headers["location"].endswith("/vote?expired=1")
    cast = await another_web.post_form(f"/budgets/{budget.slug}/cast")
    assert cast.status_code == 303 and "expired" in cast.headers["location"]
