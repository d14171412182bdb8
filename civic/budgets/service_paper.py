"""Paper ballots: a bundle is typed in twice by two different people; mismatches are shown sheet by
sheet and settled by a third entry; only then are the sheets counted (as `paper` ballots)."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.budgets.models import (
    BudgetPaperBatch,
    BudgetPaperEntry,
    BudgetProcess,
    BudgetProposal,
    Channel,
    PaperStatus,
)
from civic.budgets.service_voting import check_choices, store_ballot
from civic.core import audit, double_entry
from civic.core.db import row_id
from civic.core.double_entry import PaperError as PaperError
from civic.core.double_entry import SheetState
from civic.core.i18n import gettext
from civic.core.users import StaffUser


def parse_lines(text: str, sheets: int) -> dict[int, list[int]]:
    """One line per sheet, in order: project numbers separated by commas or spaces; `-` for a blank sheet."""
    lines = [line.strip() for line in text.strip().splitlines()]
    if len(lines) != sheets:
        raise PaperError(
            gettext(
                "Enter exactly %(sheets)s lines, one for each sheet (you entered %(entered)s)",
                sheets=sheets,
                entered=len(lines),
            )
        )
    return {n: _numbers(line, n) for n, line in enumerate(lines, start=1)}


def parse_csv(text: str, sheets: int) -> dict[int, list[int]]:
    """A CSV with a header `sheet,choices` (choices separated by spaces or semicolons)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or {"sheet", "choices"} - {f.strip().lower() for f in reader.fieldnames}:
        raise PaperError(gettext("The CSV must have a header line with the columns sheet and choices"))
    result: dict[int, list[int]] = {}
    for row in reader:
        clean = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        if not clean["sheet"].isdigit() or not 1 <= int(clean["sheet"]) <= sheets:
            message = gettext(
                "Sheet %(sheet)s is not a number from 1 to %(sheets)s",
                sheet=repr(clean["sheet"]),
                sheets=sheets,
            )
            raise PaperError(message)
        result[int(clean["sheet"])] = _numbers(clean["choices"].replace(";", " "), int(clean["sheet"]))
    missing = [n for n in range(1, sheets + 1) if n not in result]
    if missing:
        raise PaperError(gettext("The CSV has no line for sheet %(sheet)s", sheet=missing[0]))
    return result


def _numbers(line: str, sheet: int) -> list[int]:
    if line in {"-", ""}:
        return []
    parts = line.replace(",", " ").split()
    if not all(p.isdigit() for p in parts):
        raise PaperError(gettext("Sheet %(sheet)s: use project numbers only, like 1, 4, 7", sheet=sheet))
    return sorted({int(p) for p in parts})


def as_text(numbers: list[int]) -> str:
    return ",".join(str(n) for n in sorted(numbers))


async def entries_of(session: AsyncSession, batch: BudgetPaperBatch) -> list[BudgetPaperEntry]:
    rows = await session.exec(
        select(BudgetPaperEntry)
        .where(BudgetPaperEntry.batch_id == batch.id)
        .order_by(col(BudgetPaperEntry.sheet))
    )
    return list(rows.all())


async def _typed(session: AsyncSession, batch: BudgetPaperBatch) -> list[double_entry.Typed]:
    return [
        double_entry.Typed(e.pass_no, e.sheet, e.choices, e.entered_by)
        for e in await entries_of(session, batch)
    ]


async def sheet_states(session: AsyncSession, batch: BudgetPaperBatch) -> list[SheetState]:
    return double_entry.sheet_states(await _typed(session, batch), batch.sheets)


async def typists(session: AsyncSession, batch: BudgetPaperBatch) -> dict[int, int]:
    """pass number -> the staff id who typed it."""
    return double_entry.typists(await _typed(session, batch))


async def add_batch(
    session: AsyncSession,
    process: BudgetProcess,
    *,
    area_id: int | None,
    label: str,
    age_band: str,
    sheets: int,
    now: datetime,
) -> BudgetPaperBatch:
    """Start a bundle of paper ballots to be typed in; flushed so it has its id."""
    batch = BudgetPaperBatch(
        process_id=row_id(process),
        area_id=area_id,
        label=label,
        age_band=age_band,
        sheets=sheets,
        created_at=now,
    )
    session.add(batch)
    await session.flush()
    return batch


async def enter_pass(
    session: AsyncSession,
    batch: BudgetPaperBatch,
    sheets: dict[int, list[int]],
    *,
    actor: StaffUser,
    now: datetime,
    how: str = "typed",
) -> int:
    """Record the next pass (1, then 2 by someone else). Returns the pass number."""
    typed = await _typed(session, batch)
    pass_no = double_entry.next_pass(typed, actor.id, counted=batch.status != PaperStatus.ENTERING)
    for sheet, numbers in sheets.items():
        session.add(
            BudgetPaperEntry(
                batch_id=row_id(batch),
                pass_no=pass_no,
                sheet=sheet,
                choices=as_text(numbers),
                entered_by=row_id(actor),
                entered_at=now,
            )
        )
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="budgets.paper_entered",
        object_type="budget_paper_batch",
        object_id=batch.id,
        now=now,
        reason=f"entry {pass_no} ({how}), {len(sheets)} sheets",
    )
    return pass_no


async def resolve_sheet(
    session: AsyncSession,
    batch: BudgetPaperBatch,
    sheet: int,
    numbers: list[int],
    *,
    actor: StaffUser,
    now: datetime,
) -> None:
    state = double_entry.sheet_to_settle(
        await sheet_states(session, batch), sheet, counted=batch.status != PaperStatus.ENTERING
    )
    session.add(
        BudgetPaperEntry(
            batch_id=row_id(batch),
            pass_no=double_entry.SETTLED,
            sheet=sheet,
            choices=as_text(numbers),
            entered_by=row_id(actor),
            entered_at=now,
        )
    )
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="budgets.paper_resolved",
        object_type="budget_paper_batch",
        object_id=batch.id,
        now=now,
        reason=f"sheet {sheet}: {state.first} / {state.second} -> {as_text(numbers)}",
    )


async def count_batch(
    session: AsyncSession,
    batch: BudgetPaperBatch,
    process: BudgetProcess,
    proposals: list[BudgetProposal],
    budget: int,
    *,
    actor: StaffUser,
    now: datetime,
) -> tuple[int, int]:
    """Turn agreed sheets into paper ballots. Returns (counted, spoilt)."""
    agreed = double_entry.agreed_sheets(
        await sheet_states(session, batch), counted=batch.status != PaperStatus.ENTERING
    )
    by_number = {p.number: p for p in proposals if p.area_id == batch.area_id or not batch.area_id}
    counted = spoilt = 0
    for _sheet, choices in agreed:
        numbers = [int(n) for n in choices.split(",") if n]
        ids = [row_id(by_number[n]) for n in numbers if n in by_number]
        if len(ids) != len(numbers) or check_choices(process, budget, proposals, ids).errors:
            spoilt += 1
            continue
        await store_ballot(
            session,
            process_id=row_id(process),
            area_id=batch.area_id,
            age_band=batch.age_band,
            channel=Channel.PAPER,
            choices=ids,
            secret=None,
        )
        counted += 1
    batch.status, batch.counted_at = PaperStatus.COUNTED, now
    session.add(batch)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="budgets.paper_counted",
        object_type="budget_paper_batch",
        object_id=batch.id,
        now=now,
        reason=f"{counted} counted, {spoilt} spoilt",
        public=True,
    )
    return counted, spoilt
