"""Panels and their members: setting them up, and who serves and presides. Flushes, never commits."""

from __future__ import annotations

import re
from datetime import date, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.db import row_id
from civic.core.errors import NotFound
from civic.core.i18n import gettext
from civic.core.users import StaffUser
from civic.panels import answers, service_journal
from civic.panels.models import MemberRole, Panel, PanelMember
from civic.panels.procedure import ProcedureError

RESERVED_SLUGS = frozenset({"manage", "meetings", "decisions", "subscriptions", "actions", "feed"})


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:70] or "panel"
    return f"{slug}-panel" if slug in RESERVED_SLUGS else slug


async def create_panel(
    session: AsyncSession, *, actor: StaffUser | None, now: datetime, **fields: object
) -> Panel:
    slug = base = slugify(str(fields["name"]))
    number = 1
    while (await session.exec(select(Panel.id).where(Panel.slug == slug))).first() is not None:
        number += 1
        slug = f"{base}-{number}"
    panel = Panel(slug=slug, created_at=now, **fields)  # type: ignore[arg-type]
    session.add(panel)
    await session.flush()
    await service_journal.log(session, actor, "create_panel", panel, now=now, reason=panel.name)
    await answers.ensure_panel_body(session, panel)
    return panel


async def update_panel(
    session: AsyncSession, panel: Panel, *, actor: StaffUser, now: datetime, **fields: object
) -> Panel:
    for key, value in fields.items():
        setattr(panel, key, value)
    session.add(panel)
    await session.flush()
    await service_journal.log(
        session, actor, "update_panel", panel, now=now, reason=", ".join(sorted(fields))
    )
    return panel


async def get_panel(session: AsyncSession, slug: str) -> Panel:
    panel = (await session.exec(select(Panel).where(Panel.slug == slug))).first()
    if panel is None:
        raise NotFound
    return panel


async def list_panels(session: AsyncSession) -> list[Panel]:
    return list((await session.exec(select(Panel).order_by(col(Panel.name)))).all())


async def add_member(
    session: AsyncSession,
    panel: Panel,
    *,
    actor: StaffUser | None,
    now: datetime,
    name: str,
    role: MemberRole,
    voting: bool,
    starts_on: date,
    ends_on: date | None = None,
    user_id: int | None = None,
) -> PanelMember:
    if role == MemberRole.ADVISER and voting:
        raise ProcedureError(gettext("A non-voting adviser cannot have a vote."))
    if ends_on is not None and ends_on < starts_on:
        raise ProcedureError(gettext("The end date must be on or after the start date."))
    if user_id is not None and await session.get(StaffUser, user_id) is None:
        raise ProcedureError(gettext("Choose a staff account from the list, or none for a resident member."))
    member = PanelMember(
        panel_id=row_id(panel),
        name=name,
        role=role,
        voting=voting,
        starts_on=starts_on,
        ends_on=ends_on,
        user_id=user_id,
    )
    session.add(member)
    await session.flush()
    await service_journal.log(session, actor, "add_member", member, now=now, reason=f"{name}, {role.label}")
    return member


async def end_membership(
    session: AsyncSession, member: PanelMember, *, actor: StaffUser, now: datetime, ends_on: date
) -> None:
    if ends_on < member.starts_on:
        raise ProcedureError(gettext("The end date must be on or after the start date."))
    member.ends_on = ends_on
    session.add(member)
    await session.flush()
    await service_journal.log(
        session, actor, "end_membership", member, now=now, reason=f"{member.name} until {ends_on}"
    )


async def members_of(session: AsyncSession, panel_id: int) -> list[PanelMember]:
    rows = await session.exec(
        select(PanelMember).where(PanelMember.panel_id == panel_id).order_by(col(PanelMember.id))
    )
    return list(rows.all())


def serving(members: list[PanelMember], day: date) -> list[PanelMember]:
    order = list(MemberRole)
    return sorted((m for m in members if m.serves_on(day)), key=lambda m: (order.index(m.role), m.name))


def presiding(members: list[PanelMember], attending: set[int]) -> PanelMember | None:
    """Who chairs a meeting: the chair if there, else the vice-chair if there (else nobody has a
    casting vote; the panel would elect someone for the meeting, which is not modelled)."""
    by_role = {m.role: m for m in members if m.id in attending}
    return by_role.get(MemberRole.CHAIR) or by_role.get(MemberRole.VICE_CHAIR)


async def chair_account(session: AsyncSession, panel_id: int, day: date) -> int | None:
    """The staff account of the panel's chair on `day`, when the chair has one."""
    chairs = [m for m in serving(await members_of(session, panel_id), day) if m.role == MemberRole.CHAIR]
    return chairs[0].user_id if chairs else None
