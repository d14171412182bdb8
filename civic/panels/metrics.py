"""Report-card rows for community panels: actions that panels' decisions asked for, still open and
past their due date (by the calendar in England, as on the panel's page).

Each panel's own body answers its decisions, so its card shows that panel; the council's card shows
every panel; a ward's card shows the panels whose area is that ward or the neighbourhood it is in. Council-wide panels count only towards
the council's figures. Cards with no panel covering them get no rows.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.areas import neighbourhood_of_ward
from civic.core.i18n import lazy_gettext as _l
from civic.core.reportcard import MetricRow, Scope
from civic.panels.models import Panel, PanelAction
from civic.panels.procedure import ACTIVE_ACTIONS, ActionStatus, is_overdue, london_date
from civic.responses.queries_members import COUNCIL_BODY, panel_body
from civic.responses.stats import percent

COUNT_LABEL = _l("Open panel actions past their due date")
SHARE_LABEL = _l("Share of open panel actions past their due date")

OpenAction = tuple[int, ActionStatus, date | None]  # panel id, status, due date


async def _all_panels(session: AsyncSession) -> set[int]:
    return {pid for pid in (await session.exec(select(Panel.id))).all() if pid is not None}


async def _panels_covering(session: AsyncSession, scope: Scope) -> set[int]:
    """Ids of the panels a card is about; empty when panels do not apply to it."""
    if scope.key is None or (scope.kind == "body" and scope.key == COUNCIL_BODY):
        return await _all_panels(session)
    if scope.kind == "body":
        ids = await session.exec(select(Panel.id))
        return {pid for pid in ids.all() if pid is not None and panel_body(pid) == scope.key}
    if scope.kind != "ward":
        return set()
    hood = await neighbourhood_of_ward(session, scope.key)
    areas = [col(Panel.ward_code) == scope.key]
    if hood is not None:
        areas.append(col(Panel.neighbourhood_slug) == hood.slug)
    rows = await session.exec(select(Panel.id).where(or_(*areas)))
    return {pid for pid in rows.all() if pid is not None}


async def _open_actions(session: AsyncSession) -> list[OpenAction]:
    rows = await session.exec(select(PanelAction).where(col(PanelAction.status).in_(list(ACTIVE_ACTIONS))))
    return [(action.panel_id, action.status, action.due_on) for action in rows.all()]


def _overdue(actions: list[OpenAction], today: date) -> int:
    return sum(1 for _, status, due_on in actions if is_overdue(status, due_on, today))


async def panel_actions_overdue(session: AsyncSession, scope: Scope, now: datetime) -> list[MetricRow]:
    panels = await _panels_covering(session, scope)
    if not panels:
        return []
    everywhere = await _open_actions(session)
    mine = [action for action in everywhere if action[0] in panels]
    today = london_date(now)
    late, council_late = _overdue(mine, today), _overdue(everywhere, today)
    return [
        MetricRow(COUNT_LABEL, late, council_late, ""),
        MetricRow(SHARE_LABEL, percent(late, len(mine)), percent(council_late, len(everywhere)), "%"),
    ]
