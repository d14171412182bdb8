"""A funded youth budget project's delivery is a commitment in the responses feature's sense: "was it
done?", the report cards and the lists per body read it from the budget's own delivery tables, so
nothing is tracked twice. It counts against the youth service; the people who asked are the budget's
audience. No end date is promised for delivery, so its people are asked once it is marked done."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.budgets.answers import BODY
from civic.budgets.answers import KIND as BUDGET_KIND
from civic.budgets.models import (
    BudgetDelivery,
    BudgetDeliveryUpdate,
    BudgetProcess,
    BudgetProposal,
    DeliveryStatus,
)
from civic.core.commitments import CommitmentInfo, CommitmentSource, Kept
from civic.core.i18n import gettext, lazy_gettext

KIND = "budget_delivery"
KEPT = {
    DeliveryStatus.PLANNED: Kept.OPEN,
    DeliveryStatus.IN_PROGRESS: Kept.OPEN,
    DeliveryStatus.DONE: Kept.DONE,
    DeliveryStatus.STOPPED: Kept.DROPPED,
}


async def _info(
    session: AsyncSession, delivery: BudgetDelivery, proposal: BudgetProposal, process: BudgetProcess
) -> CommitmentInfo:
    state = KEPT[delivery.status]
    closed = None
    if state != Kept.OPEN:
        rows = await session.exec(
            select(BudgetDeliveryUpdate.at)
            .where(
                BudgetDeliveryUpdate.proposal_id == delivery.proposal_id,
                BudgetDeliveryUpdate.status == delivery.status,
            )
            .order_by(col(BudgetDeliveryUpdate.at))
            .limit(1)
        )
        at = rows.first()
        closed = at.date() if at else None
    return CommitmentInfo(
        kind=KIND,
        ref=str(delivery.proposal_id),
        what=gettext("Deliver project %(number)s: %(title)s", number=proposal.number, title=proposal.title),
        owner=delivery.owner,
        body_slug=BODY,
        due_on=None,
        state=state,
        closed_on=closed,
        href=f"/budgets/{process.slug}/delivery",
        asked_kind=BUDGET_KIND,
        asked_ref=str(process.id),
    )


# Every delivery with its project and budget; a statement is immutable, so one serves every call.
DELIVERIES = (
    select(BudgetDelivery, BudgetProposal, BudgetProcess)
    .join(BudgetProposal, col(BudgetProposal.id) == col(BudgetDelivery.proposal_id))
    .join(BudgetProcess, col(BudgetProcess.id) == col(BudgetDelivery.process_id))
)


async def load(session: AsyncSession, ref: str) -> CommitmentInfo | None:
    if not ref.isdigit():
        return None
    row = (await session.exec(DELIVERIES.where(col(BudgetDelivery.proposal_id) == int(ref)))).first()
    return None if row is None else await _info(session, *row)


async def listing(session: AsyncSession) -> list[CommitmentInfo]:
    return [await _info(session, *row) for row in (await session.exec(DELIVERIES)).all()]


async def for_budget(session: AsyncSession, process_ref: str) -> list[CommitmentInfo]:
    if not process_ref.isdigit():
        return []
    rows = await session.exec(DELIVERIES.where(col(BudgetDelivery.process_id) == int(process_ref)))
    return [await _info(session, *row) for row in rows.all()]


COMMITMENTS = CommitmentSource(
    KIND, lazy_gettext("Youth budget project delivery"), load, listing, BUDGET_KIND, for_budget
)
