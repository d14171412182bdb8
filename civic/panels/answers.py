"""Panel decisions as asks in the responses feature: a decision that asks for action gets a published,
dated answer from the panel's own responsible body (its clerks report back what came of it) within 28
days, and the panel's email subscribers hear when it comes."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.areas import wards_of
from civic.core.db import row_id
from civic.core.i18n import lazy_gettext as _l
from civic.core.targets import TargetInfo, TargetKind
from civic.panels.models import Decision, Panel, PanelAction, PanelSubscription, SubscriptionStatus
from civic.responses.models import BodyKind
from civic.responses.queries_members import panel_body
from civic.responses.service import ensure_body

KIND = "panel_decision"
ANSWER_WITHIN = timedelta(days=28)


async def ensure_panel_body(session: AsyncSession, panel: Panel) -> None:
    """The body that answers the panel's decisions, made with the panel."""
    await ensure_body(
        session, panel_body(row_id(panel)), panel.name, BodyKind.PANEL, "Answers the panel's decisions"
    )


async def panel_wards(session: AsyncSession, panel: Panel) -> tuple[str, ...]:
    if panel.ward_code:
        return (panel.ward_code,)
    if panel.neighbourhood_slug:
        return tuple(w.code for w in await wards_of(session, panel.neighbourhood_slug))
    return ()


async def _info(session: AsyncSession, decision: Decision, panel: Panel) -> TargetInfo:
    return TargetInfo(
        kind=KIND,
        id=str(decision.id),
        title=f"{panel.name}: {decision.text}",
        href=f"/panels/decisions/{decision.id}",
        body_slug=panel_body(row_id(panel)),
        asked_at=decision.decided_at,
        due_at=decision.decided_at + ANSWER_WITHIN,
        ward_codes=await panel_wards(session, panel),
        summary=decision.reasons[:300],
    )


async def load(session: AsyncSession, target_id: str) -> TargetInfo | None:
    decision = await session.get(Decision, int(target_id)) if target_id.isdigit() else None
    panel = await session.get(Panel, decision.panel_id) if decision else None
    return None if decision is None or panel is None else await _info(session, decision, panel)


async def awaiting(session: AsyncSession, now: datetime) -> list[TargetInfo]:
    """Decisions that ask someone to act (they have actions), newest first."""
    rows = await session.exec(
        select(Decision, Panel)
        .join(Panel, col(Panel.id) == col(Decision.panel_id))
        .where(col(Decision.id).in_(select(PanelAction.decision_id)))
        .where(col(Decision.decided_at) <= now)
        .order_by(col(Decision.decided_at).desc())
        .limit(500)
    )
    return [await _info(session, decision, panel) for decision, panel in rows.all()]


async def audience(session: AsyncSession, target_id: str) -> list[str]:
    """The panel's confirmed email subscribers asked for its decisions, so they hear the answer too."""
    decision = await session.get(Decision, int(target_id)) if target_id.isdigit() else None
    if decision is None:
        return []
    rows = await session.exec(
        select(PanelSubscription.email).where(
            PanelSubscription.panel_id == decision.panel_id,
            PanelSubscription.status == SubscriptionStatus.CONFIRMED,
        )
    )
    return [email for email in rows.all() if email]


async def languages(session: AsyncSession, target_id: str) -> dict[str, str]:
    """The language each subscriber subscribed in."""
    decision = await session.get(Decision, int(target_id)) if target_id.isdigit() else None
    if decision is None:
        return {}
    rows = await session.exec(
        select(PanelSubscription.email, PanelSubscription.lang).where(
            PanelSubscription.panel_id == decision.panel_id,
            PanelSubscription.status == SubscriptionStatus.CONFIRMED,
        )
    )
    return {email: lang for email, lang in rows.all() if email}


TARGET_KIND = TargetKind(KIND, _l("Community panel decision"), load, awaiting, audience, languages)
