"""Whether a staff member has a second factor, and its reset by an admin (audited, and emailed)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core import audit
from civic.core.db import row_id
from civic.core.i18n import gettext
from civic.core.outbox import Mail
from civic.core.passkeys import passkeys_of, remove_all
from civic.core.sessions import end_all_sessions
from civic.core.totp import has_confirmed_totp, remove_totp
from civic.core.users import StaffUser, UserError


async def has_second_factor(session: AsyncSession, user_id: int) -> bool:
    return await has_confirmed_totp(session, user_id) or bool(await passkeys_of(session, user_id))


async def reset_second_factor(
    session: AsyncSession, user: StaffUser, *, actor: StaffUser, mail: Mail, now: datetime
) -> None:
    """Remove the member's app, recovery codes and passkeys and end their sessions, so their next
    sign-in enrols afresh. An admin resets someone else's: their own goes through their own page."""
    if actor.id == user.id:
        raise UserError(gettext("You cannot reset your own second factor; ask another administrator"))
    user_id = row_id(user)
    await remove_totp(session, user_id)
    await remove_all(session, user_id)
    await end_all_sessions(session, user_id)
    await audit.record(
        session,
        actor=actor,
        action="staff.reset_second_factor",
        object_type="staff_user",
        object_id=user_id,
        now=now,
    )
    await mail.enqueue(
        session,
        to=user.email,
        template="staff_second_factor_reset",
        context={"name": user.name, "actor": actor.name, "when": now},
        now=now,
    )
