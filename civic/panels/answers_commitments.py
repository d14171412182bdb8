"""A panel decision's actions are commitments (what, who, by when) in the responses feature's sense:
"was it done?", the report cards and the lists per body and ward read them from the panel's own
action tables, so nothing is tracked twice. They count against the panel's body; the people who
asked are the decision's audience (the panel's subscribers)."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.commitments import CommitmentInfo, CommitmentSource, Kept
from civic.core.i18n import lazy_gettext
from civic.panels.answers import KIND as DECISION_KIND
from civic.panels.answers import panel_wards
from civic.panels.models import ActionUpdate, Panel, PanelAction
from civic.panels.procedure import ActionStatus
from civic.responses.queries_members import panel_body

KIND = "panel_action"
KEPT = {
    ActionStatus.OPEN: Kept.OPEN,
    ActionStatus.IN_PROGRESS: Kept.OPEN,
    ActionStatus.DONE: Kept.DONE,
    ActionStatus.DROPPED: Kept.DROPPED,
}


async def _info(session: AsyncSession, action: PanelAction, panel: Panel) -> CommitmentInfo:
    state = KEPT[action.status]
    closed = None
    if state != Kept.OPEN:
        rows = await session.exec(
            select(ActionUpdate.at)
            .where(ActionUpdate.action_id == action.id, ActionUpdate.status == action.status)
            .order_by(col(ActionUpdate.at))
            .limit(1)
        )
        at = rows.first()
        closed = at.date() if at else None
    return CommitmentInfo(
        kind=KIND,
        ref=str(action.id),
        what=action.description,
        owner=action.owner,
        body_slug=panel_body(action.panel_id),
        due_on=action.due_on,
        state=state,
        closed_on=closed,
        href=f"/panels/decisions/{action.decision_id}#actions",
        asked_kind=DECISION_KIND,
        asked_ref=str(action.decision_id),
        ward_codes=await panel_wards(session, panel),
    )


async def load(session: AsyncSession, ref: str) -> CommitmentInfo | None:
    action = await session.get(PanelAction, int(ref)) if ref.isdigit() else None
    panel = await session.get(Panel, action.panel_id) if action else None
    return None if action is None or panel is None else await _info(session, action, panel)


async def listing(session: AsyncSession) -> list[CommitmentInfo]:
    rows = await session.exec(
        select(PanelAction, Panel).join(Panel, col(Panel.id) == col(PanelAction.panel_id))
    )
    return [await _info(session, action, panel) for action, panel in rows.all()]


async def for_decision(session: AsyncSession, decision_ref: str) -> list[CommitmentInfo]:
    if not decision_ref.isdigit():
        return []
    rows = await session.exec(
        select(PanelAction, Panel)
        .join(Panel, col(Panel.id) == col(PanelAction.panel_id))
        .where(PanelAction.decision_id == int(decision_ref))
    )
    return [await _info(session, action, panel) for action, panel in rows.all()]


COMMITMENTS = CommitmentSource(KIND, lazy_gettext("Panel action"), load, listing, DECISION_KIND, for_decision)
