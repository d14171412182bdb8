"""Staff account changes, shared by the admin pages and the `civic users` command. All audited."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core import audit
from civic.core.areas import Neighbourhood, Ward
from civic.core.db import row_id
from civic.core.i18n import gettext
from civic.core.passwords import hash_password, password_problem
from civic.core.sessions import end_all_sessions
from civic.core.users import (
    Role,
    StaffUser,
    UserError,
    get_user_by_email,
    normalise_email,
    set_wards,
)


def parse_role(raw: str) -> Role:
    try:
        return Role(raw.strip().lower().replace(" ", "_").replace("-", "_"))
    except ValueError:
        choices = ", ".join(r.label for r in Role)
        raise UserError(gettext("Role must be one of: %(choices)s", choices=choices)) from None


async def _check_scope(
    session: AsyncSession, role: Role, wards: list[str], neighbourhood: str | None
) -> None:
    for code in wards:
        if await session.get(Ward, code) is None:
            raise UserError(gettext("There is no ward with code %(code)s", code=code))
    if neighbourhood and await session.get(Neighbourhood, neighbourhood) is None:
        raise UserError(gettext("There is no neighbourhood called %(name)s", name=neighbourhood))
    if role == Role.POLICE and not neighbourhood:
        raise UserError(gettext("A police user needs a neighbourhood"))
    if role == Role.COUNCILLOR and not wards:
        raise UserError(gettext("A councillor needs at least one ward"))


async def create_staff(
    session: AsyncSession,
    *,
    actor: StaffUser | None,
    email: str,
    name: str,
    role: Role,
    password: str,
    now: datetime,
    wards: list[str] | None = None,
    neighbourhood: str | None = None,
    party: str | None = None,
    hash_cost: str = "standard",
) -> StaffUser:
    email = normalise_email(email)
    if "@" not in email or not name.strip():
        raise UserError(gettext("Enter a name and a valid email address"))
    if problem := password_problem(password):
        raise UserError(problem)
    if await get_user_by_email(session, email) is not None:
        raise UserError(gettext("There is already an account for %(email)s", email=email))
    await _check_scope(session, role, wards or [], neighbourhood)
    user = StaffUser(
        email=email,
        name=name.strip(),
        role=role,
        password_hash=await hash_password(password, hash_cost),
        neighbourhood_slug=neighbourhood if role == Role.POLICE else None,
        party=party or None,
        created_at=now,
    )
    session.add(user)
    await session.flush()
    await set_wards(session, user, (wards or []) if role == Role.COUNCILLOR else [])
    await audit.record(
        session,
        actor=actor,
        action="staff.create",
        object_type="staff_user",
        object_id=user.id,
        now=now,
        reason=f"role {role.value}",
    )
    return user


async def change_role(
    session: AsyncSession,
    user: StaffUser,
    *,
    actor: StaffUser | None,
    role: Role,
    now: datetime,
    wards: list[str] | None = None,
    neighbourhood: str | None = None,
) -> None:
    await _check_scope(session, role, wards or [], neighbourhood)
    old = user.role
    user.role = role
    user.neighbourhood_slug = neighbourhood if role == Role.POLICE else None
    session.add(user)
    await set_wards(session, user, (wards or []) if role == Role.COUNCILLOR else [])
    await audit.record(
        session,
        actor=actor,
        action="staff.set_role",
        object_type="staff_user",
        object_id=user.id,
        now=now,
        reason=f"{old.value} -> {role.value}",
    )


async def set_disabled(
    session: AsyncSession,
    user: StaffUser,
    *,
    actor: StaffUser | None,
    disabled: bool,
    now: datetime,
    reason: str = "",
) -> None:
    if actor is not None and actor.id == user.id and disabled:
        raise UserError(gettext("You cannot disable your own account"))
    user.disabled = disabled
    session.add(user)
    if disabled:
        await end_all_sessions(session, row_id(user))  # signed out everywhere, at once
    action = "staff.disable" if disabled else "staff.enable"
    await audit.record(
        session,
        actor=actor,
        action=action,
        object_type="staff_user",
        object_id=row_id(user),
        now=now,
        reason=reason,
    )


async def set_password(
    session: AsyncSession,
    user: StaffUser,
    *,
    actor: StaffUser | None,
    password: str,
    now: datetime,
    hash_cost: str = "standard",
) -> None:
    if problem := password_problem(password):
        raise UserError(problem)
    user.password_hash = await hash_password(password, hash_cost)
    session.add(user)
    await end_all_sessions(session, row_id(user))
    await audit.record(
        session,
        actor=actor,
        action="staff.set_password",
        object_type="staff_user",
        object_id=row_id(user),
        now=now,
    )
