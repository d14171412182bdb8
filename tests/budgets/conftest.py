from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest

from civic.budgets import service
from civic.budgets.forms import AreaLine
from civic.budgets.models import BallotType, BudgetProcess, BudgetProposal, Feasibility, TallyRule
from civic.core.db import Database, row_id
from tests.conftest import START

PROJECTS = [
    ("Skate park lights", 18_000),
    ("Music studio", 9_500),
    ("Girls' football", 6_000),
    ("Art wall", 4_500),
]


@dataclass
class Budget:
    process: BudgetProcess
    proposals: list[BudgetProposal]

    @property
    def slug(self) -> str:
        return self.process.slug


def make_process(
    slug: str,
    now: datetime,
    *,
    offsets: tuple[int, int, int, int, int] = (-30, -20, -1, 10, 40),
    **extra: Any,
) -> BudgetProcess:
    dates = [now + timedelta(days=d) for d in offsets]
    values: dict[str, Any] = {
        "slug": slug,
        "title": slug.replace("-", " ").title(),
        "total": 30_000,
        "ballot_type": BallotType.KNAPSACK,
        "rule": TallyRule.GREEDY,
        "created_at": now,
        "age_as_of": dates[2],
        "ideas_open_at": dates[0],
        "review_at": dates[1],
        "voting_opens_at": dates[2],
        "voting_closes_at": dates[3],
        "delivery_at": dates[4],
    }
    values.update(extra)
    return BudgetProcess.model_validate(values)


async def create_budget(
    db: Database,
    slug: str = "youth-fund",
    areas: list[tuple[str, int]] | None = None,
    wards: dict[str, list[str]] | None = None,
    **extra: Any,
) -> Budget:
    lines = [AreaLine(name, budget) for name, budget in areas or []]
    async with db.transaction() as session:
        process = await service.create_process(
            session, make_process(slug, START, **extra), lines, actor=None, now=START, wards=wards
        )
        area_rows = await service.areas_of(session, row_id(process))
        proposals = []
        for n, (title, cost) in enumerate(PROJECTS):
            area_id = area_rows[n % len(area_rows)].id if area_rows else None
            p = await service.create_proposal(
                session,
                process,
                title=title,
                summary=f"About {title}",
                area_id=area_id,
                idea_ids=[],
                actor=None,
                now=START,
            )
            await service.assess_proposal(
                session,
                p,
                cost=cost,
                feasibility=Feasibility.FEASIBLE,
                reason="Costed",
                actor=None,
                now=START,
            )
            proposals.append(p)
    return Budget(process, proposals)


@pytest.fixture
async def budget(db: Database, areas: None) -> Budget:
    return await create_budget(db)
