"""Mixing the ballot box: after voting closes, storage order and transaction ids pair no code with a
ballot, and nothing about the count or the receipts changes."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from sqlalchemy import text
from sqlmodel import col, select

from civic.budgets import service_mixing, service_results
from civic.budgets.models import BudgetBallot, BudgetBallotChoice, BudgetProcess
from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.jobs import REGISTRY, JobContext
from civic.core.state import app_state
from tests.budgets.conftest import Budget
from tests.budgets.test_voting_journeys import issue_codes, vote
from tests.conftest import StaffFactory
from tests.support.web import WebClient


async def storage_order(db: Database) -> list[str]:
    """Ballot ids in the order the database keeps them (rowid in SQLite, ctid in PostgreSQL)."""
    query = (
        "SELECT id FROM budget_ballot ORDER BY rowid"
        if db.is_sqlite
        else "SELECT id FROM budget_ballot ORDER BY ctid"
    )
    async with db.reading() as session:
        rows = await session.exec(text(query))  # type: ignore[call-overload]
        return [row[0] for row in rows.all()]


async def transaction_ids(db: Database) -> set[str]:
    async with db.reading() as session:
        rows = await session.exec(  # type: ignore[call-overload]
            text(
                "SELECT xmin::text FROM budget_ballot UNION SELECT xmin::text FROM budget_ballot_choice"
                " UNION SELECT xmin::text FROM budget_code WHERE used"
            )
        )
        return {row[0] for row in rows.all()}


async def cast_ballots(
    web: WebClient, voter: WebClient, make_staff: StaffFactory, budget: Budget
) -> list[str]:
    codes = await issue_codes(web, make_staff, budget.slug, size=8)
    p = budget.proposals
    receipts = []
    for n, code in enumerate(codes):
        voter.http.cookies.clear()
        receipts.append(await vote(voter, budget.slug, code, [p[n % 4].id, p[(n + 1) % 4].id]))  # type: ignore[list-item]
    return receipts


async def choices(db: Database) -> list[tuple[str, int]]:
    async with db.reading() as session:
        rows = await session.exec(select(BudgetBallotChoice.ballot_id, BudgetBallotChoice.proposal_id))
        return sorted(rows.all())


async def test_mixing_after_the_close_reorders_ballots_and_keeps_every_vote_and_receipt(
    web: WebClient,
    another_web: WebClient,
    make_staff: StaffFactory,
    budget: Budget,
    db: Database,
    clock: FrozenClock,
    app: Any,
) -> None:
    receipts = await cast_ballots(web, another_web, make_staff, budget)
    cast_order = await storage_order(db)
    assert cast_order != sorted(cast_order)  # 8 random ids arriving in order: 1 chance in 40,320
    before = await choices(db)
    if not db.is_sqlite:
        assert len(await transaction_ids(db)) > 2  # each code and ballot in its own transaction
    clock.advance(timedelta(days=10, minutes=11))  # voting closed over ten minutes ago
    job = REGISTRY["budgets.mix_ballots"]
    ran = await job.run(JobContext(db=db, settings=app_state(app).settings, now=clock.now(), mail=None))
    assert ran == "mixed 8 youth budget ballots in 1 processes"
    assert await storage_order(db) == sorted(cast_order)
    assert await choices(db) == before
    if not db.is_sqlite:
        assert len(await transaction_ids(db)) == 1  # ballots, choices and used codes: one transaction
    checked = await another_web.post_form(f"/budgets/{budget.slug}/receipt", {"receipt": receipts[0]})
    assert "Your vote was counted" in checked.text and "Skate park lights" in checked.text
    async with db.transaction() as session:
        clock.advance(timedelta(hours=3))
        assert await service_mixing.recently_closed(session, now=clock.now()) == []  # the job has moved on


async def test_counting_mixes_first_in_case_the_job_has_not(
    web: WebClient,
    another_web: WebClient,
    make_staff: StaffFactory,
    budget: Budget,
    db: Database,
    clock: FrozenClock,
) -> None:
    await cast_ballots(web, another_web, make_staff, budget)
    cast_order = await storage_order(db)
    clock.advance(timedelta(days=12))
    async with db.transaction() as session:
        process = await session.get(BudgetProcess, budget.process.id)
        assert process is not None
        result = await service_results.compute(session, process, actor=None, now=clock.now())
    assert await storage_order(db) == sorted(cast_order)
    assert "projects" in result.outcome_json
    async with db.reading() as session:
        ids = (await session.exec(select(BudgetBallot.id).order_by(col(BudgetBallot.id)))).all()
    assert list(ids) == sorted(cast_order)


async def test_two_mixes_at_once_take_turns(
    web: WebClient,
    another_web: WebClient,
    make_staff: StaffFactory,
    budget: Budget,
    db: Database,
    clock: FrozenClock,
) -> None:
    await cast_ballots(web, another_web, make_staff, budget)
    before = await choices(db)
    clock.advance(timedelta(days=11))

    async def mix() -> int:
        async with db.transaction() as session:
            return await service_mixing.mix_ballots(session, row_id(budget.process))

    assert await asyncio.gather(*(mix() for _ in range(4))) == [8, 8, 8, 8]
    assert await choices(db) == before
