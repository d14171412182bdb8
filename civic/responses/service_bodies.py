"""Adding a responsible body: the insert and its public audit entry. Services flush; the
handler commits."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core import audit
from civic.core.i18n import gettext
from civic.core.users import StaffUser
from civic.responses.models import BodyKind, ResponsibleBody
from civic.responses.service import ResponseError


async def add_body(
    session: AsyncSession, *, actor: StaffUser, values: dict[str, str], now: datetime
) -> ResponsibleBody:
    """Insert a body from checked form values; ResponseError (keyed by field) if the slug is taken."""
    if await session.get(ResponsibleBody, values["slug"]) is not None:
        raise ResponseError({"slug": gettext("There is already a body with that identifier")})
    body = ResponsibleBody(
        slug=values["slug"],
        name=values["name"],
        kind=BodyKind(values["kind"]),
        description=values["description"],
    )
    session.add(body)
    await audit.record(
        session,
        actor=actor,
        action="responses.add_body",
        object_type="response_body",
        object_id=values["slug"],
        now=now,
        reason=values["name"],
        public=True,
    )
    await session.flush()
    return body
