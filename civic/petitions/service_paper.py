"""Paper petition sheets: a bundle is typed in twice by two different staff members; differences are
settled sheet by sheet by a third entry; only then is each line checked (postcode in the council,
the live/work/study declaration, the same person online or on another line) and counted."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core import audit
from civic.core.db import row_id
from civic.core.double_entry import SheetState
from civic.core.users import StaffUser
from civic.petitions.models import (
    Channel,
    PaperStatus,
    Petition,
    PetitionPaperBatch,
    PetitionPaperEntry,
)
from civic.petitions.service_matching import Line, check_lines


class PaperError(ValueError):
    """The entry cannot be accepted; the message says why."""


YES = {"yes", "y"}
NO = {"no", "n"}


def _canonical(name: str, postcode: str, declared: str, where: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise PaperError(f"{where}: enter the name as written on the sheet")
    if len(name) > 120:
        raise PaperError(f"{where}: a name can be at most 120 characters")
    answer = declared.strip().lower()
    if answer not in YES | NO:
        raise PaperError(f"{where}: end the line with yes or no (did they tick live, work or study here)")
    code = "".join(postcode.split()).upper()
    if len(code) > 8:
        raise PaperError(f"{where}: a postcode has at most 8 characters")
    if len(code) > 3:
        code = f"{code[:-3]} {code[-3:]}"
    return f"{name.replace('|', ' ')}|{code}|{'yes' if answer in YES else 'no'}"


def parse_sheet_lines(text: str, sheet: int) -> str:
    """The lines of one sheet, each `name, postcode, yes/no`; `-` alone for a sheet with no names."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if lines == ["-"]:
        return ""
    if not lines:
        raise PaperError(f"Sheet {sheet}: type its lines, or - if it has no names")
    out = []
    for n, line in enumerate(lines, start=1):
        parts = [p.strip() for p in line.rsplit(",", 2)]
        if len(parts) != 3:
            raise PaperError(f"Sheet {sheet}, line {n}: write name, postcode, yes or no")
        out.append(_canonical(parts[0], parts[1], parts[2], f"Sheet {sheet}, line {n}"))
    return "\n".join(out)


def parse_bundle(text: str, sheets: int) -> dict[int, str]:
    """Every sheet of a bundle: one line per signature, `sheet, name, postcode, yes/no`, or
    `sheet, -` for a sheet with no names. Every sheet from 1 to `sheets` must appear."""
    grouped: dict[int, list[str]] = {}
    for n, raw in enumerate(text.strip().splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        first, _, rest = line.partition(",")
        if not first.strip().isdigit() or not 1 <= int(first) <= sheets:
            raise PaperError(f"Line {n}: start with the sheet number, from 1 to {sheets}")
        grouped.setdefault(int(first), []).append(rest.strip())
    missing = [s for s in range(1, sheets + 1) if s not in grouped]
    if missing:
        raise PaperError(f"There is no line for sheet {missing[0]} (write {missing[0]}, - for a blank sheet)")
    return {s: parse_sheet_lines("\n".join(grouped[s]), s) for s in sorted(grouped)}


async def entries_of(session: AsyncSession, batch: PetitionPaperBatch) -> list[PetitionPaperEntry]:
    rows = await session.exec(
        select(PetitionPaperEntry)
        .where(PetitionPaperEntry.batch_id == batch.id)
        .order_by(col(PetitionPaperEntry.sheet), col(PetitionPaperEntry.pass_no))
    )
    return list(rows.all())


async def sheet_states(session: AsyncSession, batch: PetitionPaperBatch) -> list[SheetState]:
    by_pass: dict[int, dict[int, str]] = {1: {}, 2: {}, 3: {}}
    for entry in await entries_of(session, batch):
        by_pass[entry.pass_no][entry.sheet] = entry.lines
    return [
        SheetState(n, by_pass[1].get(n), by_pass[2].get(n), by_pass[3].get(n))
        for n in range(1, batch.sheets + 1)
    ]


async def typists(session: AsyncSession, batch: PetitionPaperBatch) -> dict[int, int]:
    """pass number -> the staff id who typed it."""
    return {e.pass_no: e.entered_by for e in await entries_of(session, batch) if e.pass_no in (1, 2)}


async def add_batch(
    session: AsyncSession,
    petition: Petition,
    *,
    label: str,
    sheets: int,
    received_on: str,
    actor: StaffUser,
    now: datetime,
) -> PetitionPaperBatch:
    batch = PetitionPaperBatch(
        petition_id=row_id(petition),
        label=label,
        sheets=sheets,
        received_on=received_on,
        created_by=row_id(actor),
        created_at=now,
    )
    session.add(batch)
    await session.flush()
    await audit.record(
        session, actor=actor, action="petitions.paper_batch_added", object_type="petition_paper_batch",
        object_id=batch.id, now=now, reason=f"petition {petition.id}: {label}, {sheets} sheets",
    )  # fmt: skip
    return batch


async def enter_pass(
    session: AsyncSession,
    batch: PetitionPaperBatch,
    sheets: dict[int, str],
    *,
    actor: StaffUser,
    now: datetime,
) -> int:
    """Record the next pass (1, then 2 by someone else). Returns the pass number."""
    if batch.status != PaperStatus.ENTERING:
        raise PaperError("This bundle has already been counted")
    done = await typists(session, batch)
    if 1 in done and 2 in done:
        raise PaperError("This bundle has been entered twice already; settle any differences below")
    if actor.id in done.values():
        raise PaperError("The second entry must be made by a different person from the first")
    pass_no = 1 if 1 not in done else 2
    for sheet, lines in sheets.items():
        session.add(
            PetitionPaperEntry(
                batch_id=row_id(batch), pass_no=pass_no, sheet=sheet, lines=lines,
                entered_by=row_id(actor), entered_at=now,
            )
        )  # fmt: skip
    await session.flush()
    await audit.record(
        session, actor=actor, action="petitions.paper_entered", object_type="petition_paper_batch",
        object_id=batch.id, now=now, reason=f"entry {pass_no}, {len(sheets)} sheets",
    )  # fmt: skip
    return pass_no


async def resolve_sheet(
    session: AsyncSession,
    batch: PetitionPaperBatch,
    sheet: int,
    lines: str,
    *,
    actor: StaffUser,
    now: datetime,
) -> None:
    """Settle a sheet the two entries disagree on, with the lines as read again from the paper."""
    if batch.status != PaperStatus.ENTERING:
        raise PaperError("This bundle has already been counted")
    states = {s.sheet: s for s in await sheet_states(session, batch)}
    if sheet not in states or not states[sheet].mismatch:
        raise PaperError(f"Sheet {sheet} has no difference to settle")
    session.add(
        PetitionPaperEntry(
            batch_id=row_id(batch), pass_no=3, sheet=sheet, lines=lines,
            entered_by=row_id(actor), entered_at=now,
        )
    )  # fmt: skip
    await session.flush()
    await audit.record(
        session, actor=actor, action="petitions.paper_resolved", object_type="petition_paper_batch",
        object_id=batch.id, now=now, reason=f"sheet {sheet} settled ({len(lines.splitlines())} lines)",
    )  # fmt: skip


async def count_batch(
    session: AsyncSession, batch: PetitionPaperBatch, *, actor: StaffUser, now: datetime
) -> dict[str, int]:
    """Check and store every agreed line. Returns how many lines had each outcome."""
    if batch.status != PaperStatus.ENTERING:
        raise PaperError("This bundle has already been counted")
    states = await sheet_states(session, batch)
    if any(s.agreed is None for s in states):
        raise PaperError("Every sheet must be entered twice and every difference settled before counting")
    lines = []
    for state in states:
        for n, text in enumerate((state.agreed or "").splitlines(), start=1):
            name, postcode, declared = text.split("|")
            lines.append(Line(state.sheet, n, name, postcode, declared == "yes"))
    outcomes = await check_lines(
        session, batch.petition_id, lines, channel=Channel.PAPER, batch_id=row_id(batch),
        actor=actor, now=now,
    )  # fmt: skip
    batch.status, batch.counted_at = PaperStatus.COUNTED, now
    session.add(batch)
    await session.flush()
    summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items()))
    await audit.record(
        session, actor=actor, action="petitions.paper_counted", object_type="petition_paper_batch",
        object_id=batch.id, now=now, reason=summary or "no lines", public=True,
    )  # fmt: skip
    return outcomes
