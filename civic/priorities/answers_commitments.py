"""An adopted police priority is a commitment in the responses feature's sense ("You said, we did":
what, which team, reviewed by when): "was it done?", the report cards and the lists per body and
ward read it from the priorities' own tables, so nothing is tracked twice. It counts against the
neighbourhood's policing team; the people who asked are the round's voters who asked for news."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.areas import wards_of
from civic.core.commitments import CommitmentInfo, CommitmentSource, Kept
from civic.core.i18n import lazy_gettext
from civic.priorities.answers import KIND as ROUND_KIND
from civic.priorities.models import Priority, PriorityStatus, PriorityUpdate
from civic.responses.queries_members import police_body

KIND = "police_priority"
KEPT = {
    PriorityStatus.ADOPTED: Kept.OPEN,
    PriorityStatus.IN_PROGRESS: Kept.OPEN,
    PriorityStatus.CARRIED_OVER: Kept.OPEN,
    PriorityStatus.DEALT_WITH: Kept.DONE,
    PriorityStatus.NOT_DEALT_WITH: Kept.DROPPED,
    PriorityStatus.PASSED_TO_PARTNER: Kept.DROPPED,
}


async def _info(session: AsyncSession, item: Priority) -> CommitmentInfo:
    state = KEPT[item.status]
    closed = None
    if state != Kept.OPEN:
        rows = await session.exec(
            select(PriorityUpdate.at)
            .where(PriorityUpdate.priority_id == item.id, PriorityUpdate.status == item.status)
            .order_by(col(PriorityUpdate.at))
            .limit(1)
        )
        at = rows.first()
        closed = at.date() if at else None
    return CommitmentInfo(
        kind=KIND,
        ref=str(item.id),
        what=f"{item.title}: {item.target}" if item.target else item.title,
        owner=item.owner,
        body_slug=police_body(item.neighbourhood_slug),
        due_on=item.review_on.date(),
        state=state,
        closed_on=closed,
        href=f"/priorities/priority/{item.id}",
        asked_kind=ROUND_KIND,
        asked_ref=str(item.round_id),
        ward_codes=tuple(w.code for w in await wards_of(session, item.neighbourhood_slug)),
    )


async def load(session: AsyncSession, ref: str) -> CommitmentInfo | None:
    item = await session.get(Priority, int(ref)) if ref.isdigit() else None
    return None if item is None else await _info(session, item)


async def listing(session: AsyncSession) -> list[CommitmentInfo]:
    return [await _info(session, item) for item in (await session.exec(select(Priority))).all()]


async def for_round(session: AsyncSession, round_ref: str) -> list[CommitmentInfo]:
    if not round_ref.isdigit():
        return []
    rows = await session.exec(select(Priority).where(Priority.round_id == int(round_ref)))
    return [await _info(session, item) for item in rows.all()]


COMMITMENTS = CommitmentSource(KIND, lazy_gettext("Police priority"), load, listing, ROUND_KIND, for_round)
