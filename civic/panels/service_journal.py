"""The panels' entries in the audit log: every staff change, most of them public."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core import audit
from civic.core.users import StaffUser


async def log(
    session: AsyncSession,
    actor: StaffUser | None,
    action: str,
    obj: object,
    *,
    now: datetime,
    reason: str = "",
    public: bool = True,
) -> None:
    await audit.record(
        session,
        actor=actor,
        action=f"panels.{action}",
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", ""),
        now=now,
        reason=reason,
        public=public,
    )
