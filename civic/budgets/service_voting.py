"""Casting, checking and changing a ballot, and why the database cannot link a code to a ballot.

How the secret ballot holds
---------------------------
1. A code is stored only as an HMAC of the code under SECRET_KEY (`budget_code.code_hash`). Entering a
   code checks it and hands the voter a signed, expiring *voting pass* (a cookie holding the code's hash,
   a random seed for the order of projects and the choices so far). Nothing is written.
2. Casting runs two separate transactions, in this order:
   (a) `UPDATE budget_code SET used = true WHERE id = ? AND used = false AND voided = false` - one row
       or the vote is refused. The code row gets a boolean only: no time, no ballot id.
   (b) `INSERT budget_ballot` under a fresh random 128-bit id (`secrets.token_hex`) with the area and
       age band of the batch (for turnout statistics), the channel and the keyed hash of a random
       receipt, plus one `budget_ballot_choice` row per chosen project. No timestamp, no code, no batch.
   The two writes share no column, no value and no transaction, so no query over the stored data can
   join them; ballot ids are random, so their order says nothing about the order of voting.
3. The receipt is shown once and stored only as a keyed hash. With it the voter (or anyone holding it)
   can see their choices and change them until voting closes; the ballot keeps its id and no history.
4. What this does not hide: someone with live access to the server while voting is open (web logs,
   database statement logs, PostgreSQL transaction ids, SQLite's WAL before a checkpoint) could
   correlate the two writes in time. The same trust is placed in whoever holds the ballot box. Paper
   ballots are typed in by staff and never touch codes at all.
A test (`tests/budgets/test_secrecy.py`) checks the schema: no column of `budget_ballot` or
`budget_ballot_choice` refers to codes or batches, and neither table has a time column.
"""

from __future__ import annotations

import json
import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import col, delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.budgets.models import (
    BallotType,
    BudgetBallot,
    BudgetBallotChoice,
    BudgetCode,
    BudgetCodeBatch,
    BudgetProcess,
    BudgetProposal,
    Channel,
)
from civic.budgets.service_codes import code_hash, new_receipt, receipt_hash
from civic.core.db import row_id
from civic.core.i18n import gettext, ngettext
from civic.core.templating import format_money
from civic.core.tokens import BadToken, make_token, read_token

PASS_PURPOSE = "budgets.vote-pass"  # noqa: S105 - a token purpose, not a password


@dataclass
class VotingPass:
    """What the voter's browser carries between entering a code and casting (signed, expiring)."""

    process_id: int
    seed: int
    code: str = ""  # the code's hash (first vote), or
    ballot: str = ""  # the ballot id (changing a vote after showing the receipt)
    area_id: int | None = None
    age_band: str = ""
    choices: list[int] = field(default_factory=list)  # proposal ids

    def dump(self, secret: str, now: datetime, minutes: int) -> str:
        payload = json.dumps(
            [self.process_id, self.seed, self.code, self.ballot, self.area_id, self.age_band, self.choices]
        )
        return make_token(secret, PASS_PURPOSE, payload, expires=now + timedelta(minutes=minutes))

    @classmethod
    def load(cls, secret: str, token: str, now: datetime) -> VotingPass:
        try:
            values = json.loads(read_token(secret, PASS_PURPOSE, token, now=now))
            pid, seed, code, ballot, area, band, choices = values
            return cls(
                int(pid), int(seed), str(code), str(ballot), area, str(band), [int(c) for c in choices]
            )
        except (ValueError, TypeError) as exc:
            raise BadToken(gettext("Your voting session has ended. Enter your code again.")) from exc


class VoteError(ValueError):
    """The code or ballot cannot be used; the message is for the voter."""


async def start_with_code(
    session: AsyncSession, process: BudgetProcess, *, secret: str, raw: str
) -> VotingPass:
    rows = await session.exec(
        select(BudgetCode, BudgetCodeBatch)
        .join(BudgetCodeBatch, col(BudgetCodeBatch.id) == BudgetCode.batch_id)
        .where(BudgetCode.code_hash == code_hash(secret, raw), BudgetCodeBatch.process_id == process.id)
    )
    found = rows.first()
    if found is None:
        raise VoteError(gettext("That code is not right. Check it against your card and try again."))
    code, batch = found
    if code.voided or batch.voided_at is not None:
        raise VoteError(gettext("That code has been cancelled. Ask your youth worker for a new one."))
    if code.used:
        raise VoteError(
            gettext("That code has already been used. If you voted, use your receipt to change your vote.")
        )
    return VotingPass(
        row_id(process),
        secrets.randbelow(2**31),
        code=code.code_hash,
        area_id=batch.area_id,
        age_band=batch.age_band,
    )


async def start_with_receipt(
    session: AsyncSession, process: BudgetProcess, *, secret: str, raw: str
) -> tuple[BudgetBallot, list[int]]:
    rows = await session.exec(
        select(BudgetBallot).where(
            BudgetBallot.receipt_hash == receipt_hash(secret, raw), BudgetBallot.process_id == process.id
        )
    )
    ballot = rows.first()
    if ballot is None:
        raise VoteError(gettext("We could not find a ballot with that receipt. Check it and try again."))
    return ballot, await choices_of(session, ballot.id)


async def choices_of(session: AsyncSession, ballot_id: str) -> list[int]:
    rows = await session.exec(
        select(BudgetBallotChoice.proposal_id).where(BudgetBallotChoice.ballot_id == ballot_id)
    )
    return sorted(rows.all())


def shuffled(proposals: list[BudgetProposal], seed: int) -> list[BudgetProposal]:
    """The voter's own random order (the same on every page of one voting session)."""
    ordered = sorted(proposals, key=lambda p: p.number)
    random.Random(seed).shuffle(ordered)
    return ordered


@dataclass(frozen=True)
class BallotCheck:
    errors: list[str]
    spent: int
    remaining: int
    budget: int


def check_choices(
    process: BudgetProcess, budget: int, proposals: list[BudgetProposal], chosen: list[int]
) -> BallotCheck:
    """The ballot rules of the process's ballot type, as messages for the voter."""
    by_id = {p.id: p for p in proposals}
    picked = [by_id[c] for c in chosen if c in by_id]
    spent = sum(p.cost for p in picked)
    errors: list[str] = []
    n = len(picked)
    if len(set(chosen)) != len(chosen) or len(picked) != len(chosen):
        errors.append(gettext("Choose only from the projects listed"))
    if process.ballot_type == BallotType.CHOOSE_ONE and n != 1:
        errors.append(gettext("Choose one project"))
    elif process.ballot_type == BallotType.APPROVAL:
        if n < process.min_choices:
            least = process.min_choices
            errors.append(
                ngettext("Choose at least %(num)s project", "Choose at least %(num)s projects", least)
            )
        if n > process.max_choices:
            errors.append(
                ngettext(
                    "Choose no more than %(num)s project",
                    "Choose no more than %(num)s projects",
                    process.max_choices,
                )
            )
    elif process.ballot_type == BallotType.KNAPSACK:
        if n == 0:
            errors.append(gettext("Choose at least one project"))
        if spent > budget:
            errors.append(
                gettext(
                    "Your choices cost %(spent)s, more than the %(budget)s budget. Remove a project",
                    spent=format_money(spent),
                    budget=format_money(budget),
                )
            )
        minimum = budget * process.min_share_percent // 100
        if process.min_share_percent and spent < minimum:
            errors.append(
                gettext(
                    "Spend at least %(minimum)s (%(percent)s%% of the budget)",
                    minimum=format_money(minimum),
                    percent=process.min_share_percent,
                )
            )
    return BallotCheck(errors, spent, budget - spent, budget)


async def use_code(session: AsyncSession, code_hash_: str) -> bool:
    """Transaction (a): mark the code used, exactly once."""
    result = await session.exec(
        update(BudgetCode)
        .where(
            col(BudgetCode.code_hash) == code_hash_,
            col(BudgetCode.used).is_(False),
            col(BudgetCode.voided).is_(False),
        )
        .values(used=True)
    )
    return bool(result.rowcount == 1)


async def store_ballot(
    session: AsyncSession,
    *,
    process_id: int,
    area_id: int | None,
    age_band: str,
    channel: Channel,
    choices: list[int],
    secret: str | None,
) -> tuple[BudgetBallot, str]:
    """Transaction (b): a new ballot under a random id; returns it and the receipt (online only)."""
    receipt = new_receipt() if secret else ""
    ballot = BudgetBallot(
        id=secrets.token_hex(16),
        process_id=process_id,
        area_id=area_id,
        age_band=age_band,
        channel=channel,
        receipt_hash=receipt_hash(secret, receipt) if secret else None,
    )
    session.add(ballot)
    await session.flush()
    for proposal_id in sorted(set(choices)):
        session.add(BudgetBallotChoice(ballot_id=ballot.id, proposal_id=proposal_id))
    await session.flush()
    return ballot, receipt


async def replace_choices(session: AsyncSession, ballot_id: str, choices: list[int]) -> None:
    await session.exec(delete(BudgetBallotChoice).where(col(BudgetBallotChoice.ballot_id) == ballot_id))
    for proposal_id in sorted(set(choices)):
        session.add(BudgetBallotChoice(ballot_id=ballot_id, proposal_id=proposal_id))
    await session.flush()
