"""Many simultaneous casts with one code: exactly one ballot, the rest refused, no errors."""

from __future__ import annotations

import asyncio
from collections import Counter

from sqlmodel import func, select

from civic.budgets.models import BudgetBallot, BudgetCode
from civic.core.db import Database
from tests.budgets.conftest import Budget
from tests.budgets.test_voting_journeys import issue_codes
from tests.conftest import StaffFactory
from tests.support.web import WebClient

ATTEMPTS = 200


async def test_one_code_cast_two_hundred_times_at_once_makes_one_ballot(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory, budget: Budget, db: Database
) -> None:
    code = (await issue_codes(web, make_staff, budget.slug, size=1))[0]
    await another_web.post_form(f"/budgets/{budget.slug}/vote", {"code": code, "eligible": "yes"})
    chosen = await another_web.post_form(
        f"/budgets/{budget.slug}/ballot", {"choice": [str(budget.proposals[0].id)], "action": "continue"}
    )
    assert chosen.status_code == 303
    token = await another_web.csrf_token()

    async def cast() -> int:
        response = await another_web.http.post(f"/budgets/{budget.slug}/cast", data={"csrf_token": token})
        return response.status_code

    statuses = Counter(await asyncio.gather(*(cast() for _ in range(ATTEMPTS))))
    async with db.reading() as session:
        ballots = (await session.exec(select(func.count()).select_from(BudgetBallot))).one()
        used = (await session.exec(select(func.count()).select_from(BudgetCode).where(BudgetCode.used))).one()
    print(f"\n{ATTEMPTS} attempts: {dict(statuses)}; ballots stored: {ballots}")
    assert statuses == Counter({303: 1, 409: ATTEMPTS - 1})
    assert ballots == 1 and used == 1
