"""Paper survey forms: a bundle from one ward is typed in twice by two different people; differences
are settled sheet by sheet by a third entry; only then are the sheets counted, as `paper` responses.
The double-entry rule itself is core's (civic/core/double_entry.py), shared with petitions and budgets."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core import audit, double_entry
from civic.core.db import row_id
from civic.core.double_entry import SheetState, Typed
from civic.core.users import StaffUser
from civic.surveys.models import Channel, PaperStatus, Survey, SurveyPaperBatch, SurveyPaperEntry
from civic.surveys.paper import answers_of
from civic.surveys.questions import questions_of
from civic.surveys.service_answering import record


async def batches_of(session: AsyncSession, survey_id: int) -> list[SurveyPaperBatch]:
    rows = await session.exec(
        select(SurveyPaperBatch)
        .where(SurveyPaperBatch.survey_id == survey_id)
        .order_by(col(SurveyPaperBatch.id))
    )
    return list(rows.all())


async def add_batch(
    session: AsyncSession, survey: Survey, *, ward_code: str, label: str, sheets: int,
    actor: StaffUser, now: datetime,
) -> SurveyPaperBatch:  # fmt: skip
    batch = SurveyPaperBatch(survey_id=row_id(survey), ward_code=ward_code, label=label, sheets=sheets,
                             created_at=now)  # fmt: skip
    session.add(batch)
    await session.flush()
    await audit.record(
        session, actor=actor, action="surveys.paper_batch_added", object_type="survey_paper_batch",
        object_id=batch.id, now=now, reason=f"{label}, {sheets} sheets",
    )  # fmt: skip
    return batch


async def _entries(session: AsyncSession, batch: SurveyPaperBatch) -> list[SurveyPaperEntry]:
    rows = await session.exec(select(SurveyPaperEntry).where(SurveyPaperEntry.batch_id == batch.id))
    return list(rows.all())


async def _typed(session: AsyncSession, batch: SurveyPaperBatch) -> list[Typed]:
    return [Typed(e.pass_no, e.sheet, e.answers, e.entered_by) for e in await _entries(session, batch)]


async def sheet_states(session: AsyncSession, batch: SurveyPaperBatch) -> list[SheetState]:
    return double_entry.sheet_states(await _typed(session, batch), batch.sheets)


async def typists(session: AsyncSession, batch: SurveyPaperBatch) -> dict[int, int]:
    """pass number -> the staff id who typed it."""
    return double_entry.typists(await _typed(session, batch))


def _counted(batch: SurveyPaperBatch) -> bool:
    return batch.status != PaperStatus.ENTERING


async def enter_pass(
    session: AsyncSession, batch: SurveyPaperBatch, sheets: dict[int, str], *, actor: StaffUser, now: datetime
) -> int:
    """Record the next pass (1, then 2 by someone else). Returns the pass number."""
    pass_no = double_entry.next_pass(await _typed(session, batch), row_id(actor), counted=_counted(batch))
    for sheet, answers in sheets.items():
        session.add(SurveyPaperEntry(batch_id=row_id(batch), pass_no=pass_no, sheet=sheet, answers=answers,
                                     entered_by=row_id(actor), entered_at=now))  # fmt: skip
    await session.flush()
    await audit.record(
        session, actor=actor, action="surveys.paper_entered", object_type="survey_paper_batch",
        object_id=batch.id, now=now, reason=f"entry {pass_no}, {len(sheets)} sheets",
    )  # fmt: skip
    return pass_no


async def resolve_sheet(
    session: AsyncSession,
    batch: SurveyPaperBatch,
    sheet: int,
    answers: str,
    *,
    actor: StaffUser,
    now: datetime,
) -> None:
    state = double_entry.sheet_to_settle(await sheet_states(session, batch), sheet, counted=_counted(batch))
    session.add(SurveyPaperEntry(batch_id=row_id(batch), pass_no=double_entry.SETTLED, sheet=sheet,
                                 answers=answers, entered_by=row_id(actor), entered_at=now))  # fmt: skip
    await session.flush()
    await audit.record(
        session, actor=actor, action="surveys.paper_resolved", object_type="survey_paper_batch",
        object_id=batch.id, now=now,
        reason=f"sheet {sheet}: {state.first} / {state.second} -> {answers}",
    )  # fmt: skip


async def count_batch(
    session: AsyncSession, batch: SurveyPaperBatch, survey: Survey, *, actor: StaffUser, now: datetime
) -> int:
    """Turn the agreed sheets into paper responses (a blank sheet counts as no response). Returns how
    many were counted."""
    agreed = double_entry.agreed_sheets(await sheet_states(session, batch), counted=_counted(batch))
    questions, counted = questions_of(survey.questions), 0
    for _sheet, text in agreed:
        answers = answers_of(text, questions)
        if answers:
            await record(session, survey, channel=Channel.PAPER, voter_key=None,
                         ward_code=batch.ward_code, answers=answers, now=now)  # fmt: skip
            counted += 1
    batch.status, batch.counted_at = PaperStatus.COUNTED, now
    session.add(batch)
    await session.flush()
    await audit.record(
        session, actor=actor, action="surveys.paper_counted", object_type="survey_paper_batch",
        object_id=batch.id, now=now, reason=f"{counted} counted of {batch.sheets} sheets", public=True,
    )  # fmt: skip
    return counted
