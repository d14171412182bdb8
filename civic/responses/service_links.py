"""Staff link one step of an ask to the next (a petition to the panel decision it led to, a decision
to the answer it asked for). Both steps must exist and be public; a link is stored once."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core import audit
from civic.core.db import insert_or_ignore
from civic.core.i18n import gettext
from civic.core.users import StaffUser
from civic.responses.models import StepLink
from civic.responses.queries_timeline import Node, step, step_kinds
from civic.responses.service import ResponseError


async def check_link(session: AsyncSession, start: Node, end: Node, now: datetime) -> dict[str, str]:
    errors: dict[str, str] = {}
    kinds = step_kinds()
    for prefix, (kind, ref) in (("from", start), ("to", end)):
        if kind not in kinds:
            errors[f"{prefix}_kind"] = gettext("Choose what kind of step it is")
        elif not ref:
            errors[f"{prefix}_ref"] = gettext("Enter the step's number, as in its web address")
        elif await step(session, (kind, ref), now) is None:
            errors[f"{prefix}_ref"] = gettext(
                "There is no published %(kind)s with that number", kind=kinds[kind].lower()
            )
    if not errors and start == end:
        errors["to_ref"] = gettext("A step cannot lead on to itself")
    return errors


async def add_link(session: AsyncSession, start: Node, end: Node, *, actor: StaffUser, now: datetime) -> bool:
    """Store "start led on to end"; False if that link was already there."""
    errors = await check_link(session, start, end, now)
    if errors:
        raise ResponseError(errors)
    values = {
        "from_kind": start[0],
        "from_ref": start[1],
        "to_kind": end[0],
        "to_ref": end[1],
        "created_at": now,
        "created_by": actor.id,
    }
    stored = await insert_or_ignore(session, StepLink, values)
    if stored:
        await audit.record(
            session,
            actor=actor,
            action="responses.link_steps",
            object_type="step_link",
            object_id=f"{start[0]}:{start[1]}",
            now=now,
            reason=f"{start[0]} {start[1]} led on to {end[0]} {end[1]}",
            public=True,
        )
    return stored
