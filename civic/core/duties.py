"""Duties: responsibilities given to a staff member on top of their role.

A role says what someone is (a councillor, a moderator); a duty is a task the council gives a named
person. The first is `data protection`: handling subject access and erasure requests. Only an
administrator can hold it, and only an administrator can give it (audited).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core import audit
from civic.core.db import row_id, str_enum
from civic.core.i18n import gettext
from civic.core.users import Role, StaffUser, UserError


class Duty(StrEnum):
    DATA_PROTECTION = "data_protection"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class StaffDuty(SQLModel, table=True):
    __tablename__ = "staff_duty"

    user_id: int = Field(foreign_key="staff_user.id", primary_key=True)
    duty: Duty = Field(sa_type=str_enum(Duty), primary_key=True)


async def has_duty(session: AsyncSession, user: StaffUser | None, duty: Duty) -> bool:
    if user is None or user.disabled or user.role != Role.ADMIN:
        return False
    found = await session.exec(
        select(StaffDuty).where(StaffDuty.user_id == row_id(user), StaffDuty.duty == duty)
    )
    return found.first() is not None


async def set_duty(
    session: AsyncSession, user: StaffUser, duty: Duty, *, held: bool, actor: StaffUser | None, now: datetime
) -> None:
    if held and user.role != Role.ADMIN:
        raise UserError(gettext("Only an administrator can hold the data protection duty"))
    await session.exec(delete(StaffDuty).where(StaffDuty.user_id == row_id(user), StaffDuty.duty == duty))  # type: ignore[arg-type]
    if held:
        session.add(StaffDuty(user_id=row_id(user), duty=duty))
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="staff.grant_duty" if held else "staff.remove_duty",
        object_type="staff_user",
        object_id=row_id(user),
        now=now,
        reason=duty.label,
    )
