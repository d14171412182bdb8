"""Actions that decisions ask for, and their dated public updates. Flushes, never commits."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.db import row_id
from civic.core.errors import Conflict
from civic.core.i18n import gettext
from civic.core.users import StaffUser
from civic.panels import service_journal
from civic.panels.models import ActionUpdate, PanelAction
from civic.panels.procedure import ACTIVE_ACTIONS, ActionStatus, ProcedureError


async def actions_for(session: AsyncSession, decision_ids: list[int]) -> dict[int, list[PanelAction]]:
    found: dict[int, list[PanelAction]] = {d: [] for d in decision_ids}
    if decision_ids:
        rows = await session.exec(
            select(PanelAction)
            .where(col(PanelAction.decision_id).in_(decision_ids))
            .order_by(col(PanelAction.id))
        )
        for action in rows.all():
            found[action.decision_id].append(action)
    return found


async def update_action(
    session: AsyncSession,
    action: PanelAction,
    *,
    actor: StaffUser | None,
    now: datetime,
    status: ActionStatus,
    note: str,
) -> ActionUpdate:
    if action.status not in ACTIVE_ACTIONS:
        raise Conflict(
            gettext("This action is %(status)s; it cannot be updated.", status=action.status.label.lower())
        )
    if not note.strip():
        raise ProcedureError(gettext("Say what has happened, for the public update."))
    update = ActionUpdate(action_id=row_id(action), at=now, status=status, note=note.strip())
    action.status = status
    session.add_all([action, update])
    await session.flush()
    await service_journal.log(
        session, actor, "update_action", action, now=now, reason=f"{status.label}: {note.strip()}"
    )
    return update


async def updates_for(session: AsyncSession, action_ids: list[int]) -> dict[int, list[ActionUpdate]]:
    found: dict[int, list[ActionUpdate]] = {a: [] for a in action_ids}
    if action_ids:
        rows = await session.exec(
            select(ActionUpdate)
            .where(col(ActionUpdate.action_id).in_(action_ids))
            .order_by(col(ActionUpdate.at))
        )
        for update in rows.all():
            found[update.action_id].append(update)
    return found
