"""The count record of a budget result: the `.pb` ballots of each area, the result, the rule and its
parameters (see `civic.core.countrecord`); `civic recount` and `civic.budgets.recount` check it."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.budgets import recount
from civic.budgets.models import BudgetProcess, BudgetResult
from civic.budgets.tally import TIE_BREAK_TEXT
from civic.core import countrecord
from civic.core.db import row_id
from civic.core.recount import engine_version

KIND = "budgets"
Scope = tuple[int | None, str, int]  # area id (None: the whole process), name, budget


@dataclass(frozen=True)
class Counted:
    """One scope as it was counted: its `.pb` and the projects left out of it, with the reasons."""

    scope: Scope
    pb_text: str
    excluded: Mapping[str, str]


def ballots_name(area_id: int | None) -> str:
    return "ballots.pb" if area_id is None else f"ballots-area-{area_id}.pb"


async def store_record(
    session: AsyncSession,
    process: BudgetProcess,
    result: BudgetResult,
    counted: Sequence[Counted],
    *,
    now: datetime,
) -> countrecord.CountRecord:
    """Store the record of a result just counted, from the very ballots and projects it counted."""
    files = [
        countrecord.CountFile(ballots_name(c.scope[0]), "ballots", c.pb_text, c.scope[1]) for c in counted
    ]
    files.append(
        countrecord.CountFile(
            recount.RESULT_FILE, "result", countrecord.result_text(json.loads(result.outcome_json)), "result"
        )
    )
    parameters = {
        "areas": [
            {
                "area_id": c.scope[0],
                "name": c.scope[1],
                "budget": c.scope[2],
                "file": ballots_name(c.scope[0]),
                "excluded": dict(sorted(c.excluded.items())),
            }
            for c in counted
        ],
        "add1_increment": 1,
    }
    manifest = countrecord.build_manifest(
        kind=KIND,
        title=f"{process.title}: result {row_id(result)}",
        rule=result.rule.value,
        parameters=parameters,
        tie_break=TIE_BREAK_TEXT,
        engine=countrecord.Engine(recount.ENGINE, engine_version()),
        files=files,
    )
    return await countrecord.store(
        session, kind=KIND, object_id=row_id(result), manifest=manifest, files=files, now=now
    )
