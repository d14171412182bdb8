"""Mixing the ballot box after voting closes, so the database's own bookkeeping cannot pair codes
with ballots.

Casting marks a code used and then stores the ballot, in two transactions that follow each other.
Neither row has a time, but the database keeps an order of its own: PostgreSQL stamps every row
version with the id of the transaction that wrote it (`xmin`, kept long after) and adds it to the
table's storage in turn; SQLite numbers rows (`rowid`) in the order they arrive. Reading used codes
and ballots in those orders would pair them up.

Mixing rewrites, in one transaction, every ballot of a process (deleted and inserted again in the
order of their random ids, with their choices) and every used code (rewritten in place). Afterwards
they all carry the same transaction id, and the ballots' storage order follows their random ids. It
runs once voting has closed (no ballot can change any more; paper ballots typed in meanwhile are left
alone, they have no code), from the scheduled job and again before every count.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, delete, insert, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.budgets.models import BudgetBallot, BudgetBallotChoice, BudgetCode, BudgetCodeBatch, BudgetProcess

SETTLE = timedelta(minutes=10)  # lets a request that began just before the close finish first
WINDOW = timedelta(hours=2)  # how long after the close the scheduled job keeps mixing
CHUNK = 500  # rows per statement: well inside SQLite's and asyncpg's limits on parameters


def _chunks(rows: list[dict[str, object]]) -> list[list[dict[str, object]]]:
    return [rows[start : start + CHUNK] for start in range(0, len(rows), CHUNK)]


async def mix_ballots(session: AsyncSession, process_id: int) -> int:
    """Rewrite a process's ballots and used codes in this transaction; returns the ballots mixed."""
    # two mixes at once (the job and a count) would both re-insert the same ballots: take turns
    await session.get(BudgetProcess, process_id, with_for_update=True, populate_existing=True)
    columns = [c.name for c in BudgetBallot.__table__.columns]  # type: ignore[attr-defined]
    query = select(*[getattr(BudgetBallot, c) for c in columns]).where(BudgetBallot.process_id == process_id)
    ballots = [dict(zip(columns, row, strict=True)) for row in (await session.exec(query)).all()]
    ballots.sort(key=lambda b: str(b["id"]))
    ids = [str(b["id"]) for b in ballots]
    choices: list[dict[str, object]] = []
    for start in range(0, len(ids), CHUNK):
        rows = await session.exec(
            select(BudgetBallotChoice.ballot_id, BudgetBallotChoice.proposal_id).where(
                col(BudgetBallotChoice.ballot_id).in_(ids[start : start + CHUNK])
            )
        )
        choices += [{"ballot_id": b, "proposal_id": p} for b, p in rows.all()]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        await session.exec(delete(BudgetBallotChoice).where(col(BudgetBallotChoice.ballot_id).in_(chunk)))
        await session.exec(delete(BudgetBallot).where(col(BudgetBallot.id).in_(chunk)))
    choices.sort(key=lambda c: (str(c["ballot_id"]), int(str(c["proposal_id"]))))
    for table, rows_ in ((BudgetBallot, ballots), (BudgetBallotChoice, choices)):
        for part in _chunks(rows_):
            await session.exec(insert(table).values(part))
    batches = select(BudgetCodeBatch.id).where(BudgetCodeBatch.process_id == process_id)
    await session.exec(
        update(BudgetCode)
        .where(col(BudgetCode.used), col(BudgetCode.batch_id).in_(batches))
        .values(used=True)
    )
    return len(ballots)


def ready_to_mix(process: BudgetProcess, now: datetime) -> bool:
    return now >= process.voting_closes_at + SETTLE


async def recently_closed(session: AsyncSession, *, now: datetime) -> list[int]:
    """Processes whose voting closed a little while ago: the scheduled job mixes these."""
    rows = await session.exec(
        select(BudgetProcess.id).where(
            col(BudgetProcess.voting_closes_at) <= now - SETTLE,
            col(BudgetProcess.voting_closes_at) > now - SETTLE - WINDOW,
        )
    )
    return [pid for pid in rows.all() if pid is not None]
