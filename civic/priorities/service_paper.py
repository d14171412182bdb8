"""Paper ballots for a priorities round, typed in exactly as youth budget ballots are: a bundle is
typed twice by two different members of the team, differences are settled sheet by sheet, and only
then is it counted (civic/core/double_entry.py holds that rule).

A printed ballot numbers the round's candidates 1, 2, 3 ... in the order the round lists them (they
cannot change once voting opens). A sheet is typed as one line: the numbers chosen (in preference
order for ranked rounds), then `/` and the postcode written on it, then `/ work` if the voter ticked
"I work here but live elsewhere". `-` is a blank sheet. A sheet is spoilt (set aside, not counted)
when it is blank, names an unknown number or one twice, has too many choices, or has no postcode
in the neighbourhood (and no work tick): the same rules an online ballot meets.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core import audit, double_entry
from civic.core.areas import OUTSIDE_WARDS, PostcodeError, normalise_postcode
from civic.core.db import row_id
from civic.core.double_entry import PaperError as PaperError
from civic.core.double_entry import SheetState
from civic.core.i18n import gettext
from civic.core.users import StaffUser
from civic.priorities.models import (
    BallotChannel,
    Candidate,
    Method,
    OfflineBallot,
    PaperBatch,
    PaperEntry,
    PaperStatus,
    PriorityRound,
)
from civic.priorities.service_voting import BallotError, voter_ward

WORK = "work"
MOST_NUMBERS = 20  # keeps a typed sheet within its column; no round allows more than 10 choices


def canonical_sheet(line: str, *, method: Method, where: str) -> str:
    """One typed sheet in the form both entries are compared in: "2,5 / FB1 1AA" or "" (blank)."""
    parts = [p.strip() for p in line.strip().split("/")]
    if parts[0] in {"-", ""}:
        return ""  # nothing chosen: blank, whatever else is written on it
    if len(parts) > 3 or (len(parts) == 3 and parts[2].lower() != WORK):
        raise PaperError(
            gettext(
                "%(where)s: write the numbers, then / and the postcode, then / work if ticked", where=where
            )
        )
    numbers = parts[0].replace(",", " ").split()
    if not numbers or not all(n.isdigit() and len(n) <= 3 for n in numbers):
        raise PaperError(gettext("%(where)s: start with the numbers chosen, like 2 5 7", where=where))
    if len(numbers) > MOST_NUMBERS:
        raise PaperError(
            gettext(
                "%(where)s: type at most %(most)s numbers (a sheet with too many is spoilt anyway)",
                where=where,
                most=MOST_NUMBERS,
            )
        )
    chosen = [int(n) for n in numbers]
    if method is Method.APPROVAL:
        chosen = sorted(chosen)  # order means nothing when picking, so it must not cause a difference
    text = ",".join(str(n) for n in chosen)
    if len(parts) > 1 and parts[1]:
        try:
            text += f" / {normalise_postcode(parts[1])}"
        except PostcodeError as exc:
            raise PaperError(gettext("%(where)s: %(problem)s", where=where, problem=exc)) from None
    if len(parts) == 3:
        text += f" / {WORK}"
    return text


def parse_sheets(text: str, sheets: int, *, method: Method) -> dict[int, str]:
    """A whole bundle: exactly one line per sheet, in order."""
    lines = text.strip().splitlines()
    if len(lines) != sheets:
        raise PaperError(
            gettext(
                "Enter exactly %(sheets)s lines, one for each sheet (you entered %(entered)s)",
                sheets=sheets,
                entered=len(lines),
            )
        )
    return {
        n: canonical_sheet(line, method=method, where=gettext("Sheet %(sheet)s", sheet=n))
        for n, line in enumerate(lines, start=1)
    }


async def entries_of(session: AsyncSession, batch: PaperBatch) -> list[double_entry.Typed]:
    rows = await session.exec(
        select(PaperEntry).where(PaperEntry.batch_id == batch.id).order_by(col(PaperEntry.id))
    )
    return [double_entry.Typed(e.pass_no, e.sheet, e.text, e.entered_by) for e in rows.all()]


async def sheet_states(session: AsyncSession, batch: PaperBatch) -> list[SheetState]:
    return double_entry.sheet_states(await entries_of(session, batch), batch.sheets)


async def typists(session: AsyncSession, batch: PaperBatch) -> dict[int, int]:
    return double_entry.typists(await entries_of(session, batch))


async def batches_of(session: AsyncSession, round_id: int) -> list[PaperBatch]:
    rows = await session.exec(
        select(PaperBatch).where(PaperBatch.round_id == round_id).order_by(col(PaperBatch.id))
    )
    return list(rows.all())


async def add_batch(
    session: AsyncSession, item: PriorityRound, *, label: str, sheets: int, actor: StaffUser, now: datetime
) -> PaperBatch:
    batch = PaperBatch(
        round_id=row_id(item), label=label, sheets=sheets, created_by=row_id(actor), created_at=now
    )
    session.add(batch)
    await session.flush()
    await _audit(session, actor, batch, now, "priorities.paper_batch_added", f"{label}, {sheets} sheets")
    return batch


async def enter_pass(
    session: AsyncSession, batch: PaperBatch, sheets: dict[int, str], *, actor: StaffUser, now: datetime
) -> int:
    """Record entry 1, or entry 2 by someone else. Returns the pass number."""
    counted = batch.status != PaperStatus.ENTERING
    pass_no = double_entry.next_pass(await entries_of(session, batch), actor.id, counted=counted)
    for sheet, text in sheets.items():
        session.add(_entry(batch, pass_no, sheet, text, actor, now))
    await session.flush()
    await _audit(
        session, actor, batch, now, "priorities.paper_entered", f"entry {pass_no}, {len(sheets)} sheets"
    )
    return pass_no


async def resolve_sheet(
    session: AsyncSession, batch: PaperBatch, sheet: int, text: str, *, actor: StaffUser, now: datetime
) -> None:
    """Settle a sheet the two entries disagree on with what the paper really says."""
    counted = batch.status != PaperStatus.ENTERING
    state = double_entry.sheet_to_settle(await sheet_states(session, batch), sheet, counted=counted)
    session.add(_entry(batch, double_entry.SETTLED, sheet, text, actor, now))
    await session.flush()
    reason = f"sheet {sheet}: {state.first or 'blank'} / {state.second or 'blank'} -> {text or 'blank'}"
    await _audit(session, actor, batch, now, "priorities.paper_resolved", reason)


async def count_batch(
    session: AsyncSession,
    batch: PaperBatch,
    item: PriorityRound,
    candidates: list[Candidate],
    *,
    actor: StaffUser,
    now: datetime,
) -> tuple[int, int]:
    """Turn every agreed sheet into a paper ballot or set it aside as spoilt. Returns (counted, spoilt)."""
    counted = batch.status != PaperStatus.ENTERING
    agreed = double_entry.agreed_sheets(await sheet_states(session, batch), counted=counted)
    by_number = {n: row_id(c) for n, c in enumerate(candidates, start=1)}
    wards: dict[tuple[str, bool], str | None] = {}  # a bundle repeats its neighbourhood's postcodes
    for sheet, text in agreed:
        ballot = await _ballot(session, item, by_number, text, wards)
        if ballot is None:
            batch.spoilt += 1
            continue
        ward_code, choices = ballot
        session.add(
            OfflineBallot(
                round_id=row_id(item), channel=BallotChannel.PAPER, batch_id=row_id(batch), sheet=sheet,
                ward_code=ward_code, works_here=ward_code == OUTSIDE_WARDS, choices_json=json.dumps(choices),
                entered_by=row_id(actor), created_at=now,
            )
        )  # fmt: skip
        batch.counted += 1
    batch.status, batch.counted_at = PaperStatus.COUNTED, now
    session.add(batch)
    await session.flush()
    reason = f"{batch.counted} counted, {batch.spoilt} spoilt"
    await _audit(session, actor, batch, now, "priorities.paper_counted", reason, public=True)
    return batch.counted, batch.spoilt


async def _ballot(
    session: AsyncSession,
    item: PriorityRound,
    by_number: dict[int, int],
    text: str,
    wards: dict[tuple[str, bool], str | None],
) -> tuple[str, list[int]] | None:
    """(ward code, candidate ids) of an agreed sheet, or None when it is spoilt."""
    parts = [p.strip() for p in text.split("/")] if text else []
    if len(parts) < 2:
        return None  # blank, or no postcode to show the voter is from the neighbourhood
    numbers = [int(n) for n in parts[0].split(",")]
    if len(set(numbers)) != len(numbers) or len(numbers) > item.choices:
        return None
    if any(n not in by_number for n in numbers):
        return None
    key = (parts[1], parts[-1] == WORK)
    if key not in wards:
        try:
            wards[key] = await voter_ward(session, item, key[0], works_here=key[1])
        except BallotError:
            wards[key] = None
    ward_code = wards[key]
    return None if ward_code is None else (ward_code, [by_number[n] for n in numbers])


def _entry(
    batch: PaperBatch, pass_no: int, sheet: int, text: str, actor: StaffUser, now: datetime
) -> PaperEntry:
    return PaperEntry(
        batch_id=row_id(batch),
        pass_no=pass_no,
        sheet=sheet,
        text=text,
        entered_by=row_id(actor),
        entered_at=now,
    )


async def _audit(
    session: AsyncSession,
    actor: StaffUser,
    batch: PaperBatch,
    now: datetime,
    action: str,
    reason: str,
    *,
    public: bool = False,
) -> None:
    await audit.record(
        session, actor=actor, action=action, object_type="priorities_paper_batch", object_id=batch.id,
        now=now, reason=f"round {batch.round_id}: {reason}", public=public,
    )  # fmt: skip
