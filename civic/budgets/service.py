"""Processes, areas, ideas, proposals, overrides and delivery: queries and state changes.

Services flush and never commit; the handler owns the transaction. Staff changes are audited.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.budgets.forms import AreaLine
from civic.budgets.models import (
    BudgetArea,
    BudgetAreaWard,
    BudgetDelivery,
    BudgetDeliveryUpdate,
    BudgetIdea,
    BudgetOverride,
    BudgetProcess,
    BudgetProposal,
    DeliveryStatus,
    Feasibility,
    IdeaStatus,
)
from civic.core import audit
from civic.core.db import row_id
from civic.core.localtime import format_datetime
from civic.core.users import StaffUser


async def list_processes(session: AsyncSession) -> list[BudgetProcess]:
    rows = await session.exec(select(BudgetProcess).order_by(col(BudgetProcess.voting_opens_at).desc()))
    return list(rows.all())


async def get_process(session: AsyncSession, slug: str) -> BudgetProcess | None:
    return (await session.exec(select(BudgetProcess).where(BudgetProcess.slug == slug))).first()


async def areas_of(session: AsyncSession, process_id: int) -> list[BudgetArea]:
    rows = await session.exec(
        select(BudgetArea).where(BudgetArea.process_id == process_id).order_by(col(BudgetArea.id))
    )
    return list(rows.all())


async def area_ward_codes(session: AsyncSession, process_id: int) -> dict[int, list[str]]:
    """Each area's ward codes (areas covering no ward are left out)."""
    rows = await session.exec(
        select(BudgetAreaWard)
        .join(BudgetArea, col(BudgetArea.id) == col(BudgetAreaWard.area_id))
        .where(BudgetArea.process_id == process_id)
    )
    codes: dict[int, list[str]] = {}
    for link in rows.all():
        codes.setdefault(link.area_id, []).append(link.ward_code)
    return codes


def area_budget(process: BudgetProcess, areas: list[BudgetArea], area_id: int | None) -> int:
    for area in areas:
        if area.id == area_id:
            return area.budget
    return process.total


async def create_process(
    session: AsyncSession,
    process: BudgetProcess,
    areas: list[AreaLine],
    *,
    actor: StaffUser | None,
    now: datetime,
    wards: dict[str, list[str]] | None = None,
) -> BudgetProcess:
    """Stores the process and its areas; `wards` maps an area's name to the ward codes it covers
    (see forms.area_wards)."""
    if areas:
        process.total = sum(area.budget for area in areas)
    session.add(process)
    await session.flush()
    for line in areas:
        area = BudgetArea(process_id=row_id(process), name=line.name, budget=line.budget)
        session.add(area)
        await session.flush()
        for code in (wards or {}).get(line.name, []):
            session.add(BudgetAreaWard(area_id=row_id(area), ward_code=code))
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="budgets.process_created",
        object_type="budget_process",
        object_id=process.id,
        now=now,
        reason=process.title,
        public=True,
    )
    return process


async def update_phases(
    session: AsyncSession,
    process: BudgetProcess,
    dates: dict[str, datetime],
    *,
    actor: StaffUser,
    now: datetime,
) -> None:
    for name, value in dates.items():
        setattr(process, name, value)
    session.add(process)
    await session.flush()
    summary = ", ".join(f"{k} {format_datetime(v)}" for k, v in dates.items())
    await audit.record(
        session,
        actor=actor,
        action="budgets.phases_changed",
        object_type="budget_process",
        object_id=process.id,
        now=now,
        reason=summary,
        public=True,
    )


# --- ideas ----------------------------------------------------------------------------------------


async def submit_idea(session: AsyncSession, idea: BudgetIdea) -> BudgetIdea:
    session.add(idea)
    await session.flush()
    return idea


async def ideas_of(
    session: AsyncSession, process_id: int, *, statuses: tuple[IdeaStatus, ...]
) -> list[BudgetIdea]:
    rows = await session.exec(
        select(BudgetIdea)
        .where(BudgetIdea.process_id == process_id, col(BudgetIdea.status).in_(statuses))
        .order_by(col(BudgetIdea.id))
    )
    return list(rows.all())


async def moderate_idea(
    session: AsyncSession, idea: BudgetIdea, *, publish: bool, reason: str, actor: StaffUser, now: datetime
) -> None:
    idea.status = IdeaStatus.PUBLISHED if publish else IdeaStatus.REJECTED
    idea.moderation_reason = reason
    session.add(idea)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="budgets.idea_" + ("published" if publish else "rejected"),
        object_type="budget_idea",
        object_id=idea.id,
        now=now,
        reason=reason,
    )


# --- proposals ------------------------------------------------------------------------------------


async def proposals_of(
    session: AsyncSession, process_id: int, *, feasible_only: bool = False
) -> list[BudgetProposal]:
    query = select(BudgetProposal).where(BudgetProposal.process_id == process_id)
    if feasible_only:
        query = query.where(BudgetProposal.feasibility == Feasibility.FEASIBLE)
    return list((await session.exec(query.order_by(col(BudgetProposal.number)))).all())


async def get_proposal(session: AsyncSession, process_id: int, number: int) -> BudgetProposal | None:
    rows = await session.exec(
        select(BudgetProposal).where(BudgetProposal.process_id == process_id, BudgetProposal.number == number)
    )
    return rows.first()


async def create_proposal(
    session: AsyncSession,
    process: BudgetProcess,
    *,
    title: str,
    summary: str,
    area_id: int | None,
    idea_ids: list[int],
    actor: StaffUser | None,
    now: datetime,
) -> BudgetProposal:
    """A proposal from one or more ideas (duplicates merged into one); numbered 1, 2, 3 ... per process."""
    last = (
        await session.exec(
            select(func.max(BudgetProposal.number)).where(BudgetProposal.process_id == process.id)
        )
    ).one()
    proposal = BudgetProposal(
        process_id=row_id(process),
        area_id=area_id,
        number=(last or 0) + 1,
        title=title,
        summary=summary,
        created_at=now,
    )
    session.add(proposal)
    await session.flush()
    for idea_id in idea_ids:
        idea = await session.get(BudgetIdea, idea_id)
        if idea is not None and idea.process_id == process.id:
            idea.proposal_id = proposal.id
            session.add(idea)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="budgets.proposal_created",
        object_type="budget_proposal",
        object_id=proposal.id,
        now=now,
        reason=f"{title} (from ideas {', '.join(map(str, idea_ids)) or 'none'})",
    )
    return proposal


async def assess_proposal(
    session: AsyncSession,
    proposal: BudgetProposal,
    *,
    cost: int,
    feasibility: Feasibility,
    reason: str,
    actor: StaffUser | None,
    now: datetime,
) -> None:
    proposal.cost, proposal.feasibility, proposal.reason = cost, feasibility, reason
    session.add(proposal)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="budgets.proposal_assessed",
        object_type="budget_proposal",
        object_id=proposal.id,
        now=now,
        reason=f"{feasibility.value}, £{cost:,}: {reason}",
        public=True,
    )


async def ideas_by_proposal(session: AsyncSession, process_id: int) -> dict[int, list[BudgetIdea]]:
    rows = await session.exec(
        select(BudgetIdea).where(
            BudgetIdea.process_id == process_id, col(BudgetIdea.proposal_id).is_not(None)
        )
    )
    grouped: dict[int, list[BudgetIdea]] = {}
    for idea in rows.all():
        grouped.setdefault(idea.proposal_id or 0, []).append(idea)
    return grouped


# --- overrides ------------------------------------------------------------------------------------


async def overrides_of(session: AsyncSession, process_id: int) -> list[BudgetOverride]:
    rows = await session.exec(
        select(BudgetOverride).where(BudgetOverride.process_id == process_id).order_by(col(BudgetOverride.id))
    )
    return list(rows.all())


async def add_override(
    session: AsyncSession, proposal: BudgetProposal, *, reason: str, actor: StaffUser, now: datetime
) -> BudgetOverride:
    override = BudgetOverride(
        process_id=proposal.process_id,
        proposal_id=row_id(proposal),
        reason=reason,
        created_by=actor.id,
        created_at=now,
    )
    session.add(override)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="budgets.override",
        object_type="budget_proposal",
        object_id=proposal.id,
        now=now,
        reason=f"Project {proposal.number} left out of the count: {reason}",
        public=True,
    )
    return override


# --- delivery ---------------------------------------------------------------------------------------


async def deliveries_of(session: AsyncSession, process_id: int) -> dict[int, BudgetDelivery]:
    rows = await session.exec(select(BudgetDelivery).where(BudgetDelivery.process_id == process_id))
    return {d.proposal_id: d for d in rows.all()}


async def updates_of(session: AsyncSession, proposal_ids: list[int]) -> dict[int, list[BudgetDeliveryUpdate]]:
    rows = await session.exec(
        select(BudgetDeliveryUpdate)
        .where(col(BudgetDeliveryUpdate.proposal_id).in_(proposal_ids))
        .order_by(col(BudgetDeliveryUpdate.at).desc(), col(BudgetDeliveryUpdate.id).desc())
    )
    grouped: dict[int, list[BudgetDeliveryUpdate]] = {}
    for update in rows.all():
        grouped.setdefault(update.proposal_id, []).append(update)
    return grouped


async def post_delivery_update(
    session: AsyncSession,
    proposal: BudgetProposal,
    *,
    owner: str,
    status: DeliveryStatus,
    percent: int,
    text: str,
    actor: StaffUser | None,
    now: datetime,
) -> BudgetDeliveryUpdate:
    delivery = await session.get(BudgetDelivery, proposal.id)
    if delivery is None:
        delivery = BudgetDelivery(proposal_id=row_id(proposal), process_id=proposal.process_id)
    delivery.owner, delivery.status, delivery.percent = owner, status, percent
    session.add(delivery)
    update = BudgetDeliveryUpdate(
        proposal_id=row_id(proposal), at=now, text=text, percent=percent, status=status
    )
    session.add(update)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="budgets.delivery_update",
        object_type="budget_proposal",
        object_id=proposal.id,
        now=now,
        reason=f"{status.label}, {percent}%: {text}",
        public=True,
    )
    return update


async def follower_languages(session: AsyncSession, process_id: int) -> dict[str, str]:
    """Each follower's language: the one their latest idea was shared in."""
    query = (
        select(BudgetIdea.email, BudgetIdea.lang)
        .where(BudgetIdea.process_id == process_id, col(BudgetIdea.email).is_not(None))
        .order_by(col(BudgetIdea.id))
    )
    return {email: lang for email, lang in (await session.exec(query)).all() if email}


async def follower_emails(
    session: AsyncSession, process_id: int, proposal_id: int | None = None
) -> list[str]:
    """Emails left with ideas (for this process, or only the ideas behind one proposal)."""
    query = select(BudgetIdea.email).where(
        BudgetIdea.process_id == process_id, col(BudgetIdea.email).is_not(None)
    )
    if proposal_id is not None:
        query = query.where(BudgetIdea.proposal_id == proposal_id)
    return sorted({e for e in (await session.exec(query)).all() if e})
