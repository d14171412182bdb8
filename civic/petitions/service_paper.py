"""Paper petition sheets: a bundle is typed in twice by two different staff members; differences are
settled sheet by sheet by a third entry; only then is each line checked (postcode in the council,
the live/work/study declaration, the same person online or on another line) and counted."""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core import audit, double_entry
from civic.core.db import row_id
from civic.core.double_entry import PaperError as PaperError
from civic.core.double_entry import SheetState
from civic.core.i18n import gettext
from civic.core.users import StaffUser
from civic.petitions.models import (
    Channel,
    PaperPetition,
    PaperStatus,
    Petition,
    PetitionPaperBatch,
    PetitionPaperEntry,
    State,
)
from civic.petitions.policy import Policy
from civic.petitions.service import transition
from civic.petitions.service_matching import BY_HAND, Line, add_hand_counted, check_lines

YES = {"yes", "y", "ie"}  # English or Welsh, whichever language the typist reads the page in
NO = {"no", "n", "na"}


def _canonical(name: str, postcode: str, declared: str, sheet: int, line: int) -> str:
    name = " ".join(name.split())
    where = {"sheet": sheet, "line": line}
    if not name:
        raise PaperError(
            gettext("Sheet %(sheet)s, line %(line)s: enter the name as written on the sheet", **where)
        )
    if len(name) > 120:
        raise PaperError(
            gettext("Sheet %(sheet)s, line %(line)s: a name can be at most 120 characters", **where)
        )
    answer = declared.strip().lower()
    if answer not in YES | NO:
        raise PaperError(
            gettext(
                "Sheet %(sheet)s, line %(line)s: end the line with yes or no (did they tick live, work or study here)",
                **where,
            )
        )
    code = "".join(postcode.split()).upper()
    if len(code) > 8:
        raise PaperError(
            gettext("Sheet %(sheet)s, line %(line)s: a postcode has at most 8 characters", **where)
        )
    if len(code) > 3:
        code = f"{code[:-3]} {code[-3:]}"
    return f"{name.replace('|', ' ')}|{code}|{'yes' if answer in YES else 'no'}"


HAND_COUNT = "#"  # a sheet whose signatures were counted by hand, not typed by name: "#12"
MOST_BY_HAND = 5000
HAND_COUNTED = re.compile(r"(?:count|cyfrif)\s+(\d{1,6})", re.IGNORECASE)  # English or Welsh


def parse_sheet_lines(text: str, sheet: int) -> str:
    """The lines of one sheet, each `name, postcode, yes/no`; `-` alone for a sheet with no names;
    `count 12` alone for a sheet whose 12 signatures are counted by hand without typing the names."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if lines == ["-"]:
        return ""
    counted = HAND_COUNTED.fullmatch(lines[0]) if len(lines) == 1 else None
    if counted is not None:
        number = int(counted.group(1))
        if not 1 <= number <= MOST_BY_HAND:
            raise PaperError(
                gettext(
                    "Sheet %(sheet)s: a sheet counted by hand has from 1 to %(most)s signatures",
                    sheet=sheet,
                    most=MOST_BY_HAND,
                )
            )
        return f"{HAND_COUNT}{number}"
    if not lines:
        raise PaperError(gettext("Sheet %(sheet)s: type its lines, or - if it has no names", sheet=sheet))
    out = []
    for n, line in enumerate(lines, start=1):
        parts = [p.strip() for p in line.rsplit(",", 2)]
        if len(parts) != 3:
            raise PaperError(
                gettext(
                    "Sheet %(sheet)s, line %(line)s: write name, postcode, yes or no", sheet=sheet, line=n
                )
            )
        out.append(_canonical(parts[0], parts[1], parts[2], sheet, n))
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
            raise PaperError(
                gettext(
                    "Line %(line)s: start with the sheet number, from 1 to %(sheets)s", line=n, sheets=sheets
                )
            )
        grouped.setdefault(int(first), []).append(rest.strip())
    missing = [s for s in range(1, sheets + 1) if s not in grouped]
    if missing:
        raise PaperError(
            gettext(
                "There is no line for sheet %(sheet)s (write %(sheet)s, - for a blank sheet)",
                sheet=missing[0],
            )
        )
    return {s: parse_sheet_lines("\n".join(grouped[s]), s) for s in sorted(grouped)}


async def entries_of(session: AsyncSession, batch: PetitionPaperBatch) -> list[PetitionPaperEntry]:
    rows = await session.exec(
        select(PetitionPaperEntry)
        .where(PetitionPaperEntry.batch_id == batch.id)
        .order_by(col(PetitionPaperEntry.sheet), col(PetitionPaperEntry.pass_no))
    )
    return list(rows.all())


async def _typed(session: AsyncSession, batch: PetitionPaperBatch) -> list[double_entry.Typed]:
    return [
        double_entry.Typed(e.pass_no, e.sheet, e.lines, e.entered_by)
        for e in await entries_of(session, batch)
    ]


async def sheet_states(session: AsyncSession, batch: PetitionPaperBatch) -> list[SheetState]:
    return double_entry.sheet_states(await _typed(session, batch), batch.sheets)


async def typists(session: AsyncSession, batch: PetitionPaperBatch) -> dict[int, int]:
    """pass number -> the staff id who typed it."""
    return double_entry.typists(await _typed(session, batch))


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
    typed = await _typed(session, batch)
    pass_no = double_entry.next_pass(typed, actor.id, counted=batch.status != PaperStatus.ENTERING)
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
    double_entry.sheet_to_settle(
        await sheet_states(session, batch), sheet, counted=batch.status != PaperStatus.ENTERING
    )
    session.add(
        PetitionPaperEntry(
            batch_id=row_id(batch), pass_no=double_entry.SETTLED, sheet=sheet, lines=lines,
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
    agreed = double_entry.agreed_sheets(
        await sheet_states(session, batch), counted=batch.status != PaperStatus.ENTERING
    )
    lines, by_hand = [], 0
    for sheet, agreed_text in agreed:
        if agreed_text.startswith(HAND_COUNT):
            by_hand += await add_hand_counted(
                session, batch.petition_id, row_id(batch), sheet, int(agreed_text[1:]), actor=actor, now=now
            )
            continue
        for n, text in enumerate(agreed_text.splitlines(), start=1):
            name, postcode, declared = text.split("|")
            lines.append(Line(sheet, n, name, postcode, declared == "yes"))
    outcomes = await check_lines(
        session, batch.petition_id, lines, channel=Channel.PAPER, batch_id=row_id(batch),
        actor=actor, now=now,
    )  # fmt: skip
    if by_hand:
        outcomes[BY_HAND] = by_hand
    batch.status, batch.counted_at = PaperStatus.COUNTED, now
    session.add(batch)
    await session.flush()
    summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items()))
    await audit.record(
        session, actor=actor, action="petitions.paper_counted", object_type="petition_paper_batch",
        object_id=batch.id, now=now, reason=summary or "no lines", public=True,
    )  # fmt: skip
    return outcomes


async def record_paper_petition(
    session: AsyncSession,
    *,
    action: str,
    background: str,
    lead: str,
    received_on: str,
    actor: StaffUser,
    now: datetime,
    policy: Policy,
) -> Petition:
    """A petition handed in on paper: staff record its text, its lead petitioner and the date it
    arrived. Recording it is its moderation, so it opens at once (online signing and more paper
    sheets can follow); its signatures are typed in bundles like any paper sheets."""
    petition = Petition(
        action=action, background=background, creator_name=lead, creator_email="",
        creator_key=secrets.token_urlsafe(24), created_at=now, updated_at=now, state=State.MODERATION,
        moderation_entered_at=now,
    )  # fmt: skip
    session.add(petition)
    await session.flush()
    session.add(
        PaperPetition(
            petition_id=row_id(petition), received_on=received_on, recorded_by=row_id(actor), recorded_at=now
        )
    )
    await transition(
        session, petition, State.OPEN, actor=actor, now=now, policy=policy,
        reason=f"handed in on paper on {received_on}, recorded by staff",
    )  # fmt: skip
    return petition
