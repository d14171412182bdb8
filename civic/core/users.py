"""Staff accounts and their roles. Residents never have accounts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.db import UTCDateTime, row_id, str_enum
from civic.core.i18n import lazy_gettext as _l


class Role(StrEnum):
    ADMIN = "admin"
    MODERATOR = "moderator"
    COUNCILLOR = "councillor"
    POLICE = "police"
    YOUTH_WORKER = "youth_worker"
    PANEL_CLERK = "panel_clerk"

    @property
    def label(self) -> str:
        """The role in English, as records and open data keep it."""
        return self.value.replace("_", " ").capitalize()

    @property
    def shown(self) -> str:
        """The role in the reader's language, as pages show it."""
        return str(ROLE_NAMES[self.value])


ROLE_NAMES = {
    "admin": _l("Admin"),
    "moderator": _l("Moderator"),
    "councillor": _l("Councillor"),
    "police": _l("Police"),
    "youth_worker": _l("Youth worker"),
    "panel_clerk": _l("Panel clerk"),
}


class StaffUser(SQLModel, table=True):
    __tablename__ = "staff_user"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, max_length=254)  # stored lower-cased
    name: str = Field(max_length=120)
    role: Role = Field(sa_type=str_enum(Role))
    password_hash: str = Field(max_length=255)
    neighbourhood_slug: str | None = Field(default=None, foreign_key="neighbourhood.slug")  # police
    party: str | None = Field(default=None, max_length=80)  # councillors, optional
    disabled: bool = False
    created_at: datetime = Field(sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def has_role(self, *roles: Role) -> bool:
        return not self.disabled and (self.role in roles or self.role == Role.ADMIN)


class StaffWard(SQLModel, table=True):
    """The wards a councillor represents."""

    __tablename__ = "staff_ward"

    user_id: int = Field(foreign_key="staff_user.id", primary_key=True)
    ward_code: str = Field(foreign_key="ward.code", primary_key=True)


class UserError(ValueError):
    """A staff-account request that cannot be done; the message is for the person asking."""


def normalise_email(raw: str) -> str:
    return raw.strip().lower()


async def get_user_by_email(session: AsyncSession, email: str) -> StaffUser | None:
    rows = await session.exec(select(StaffUser).where(StaffUser.email == normalise_email(email)))
    return rows.first()


async def get_user(session: AsyncSession, user_id: int) -> StaffUser | None:
    return await session.get(StaffUser, user_id)


async def list_users(session: AsyncSession) -> list[StaffUser]:
    return list((await session.exec(select(StaffUser).order_by(col(StaffUser.name)))).all())


async def ward_codes_of(session: AsyncSession, user_id: int) -> list[str]:
    rows = await session.exec(select(StaffWard.ward_code).where(StaffWard.user_id == user_id))
    return sorted(rows.all())


async def set_wards(session: AsyncSession, user: StaffUser, ward_codes: list[str]) -> None:
    for link in (await session.exec(select(StaffWard).where(StaffWard.user_id == row_id(user)))).all():
        await session.delete(link)
    await session.flush()
    for code in sorted(set(ward_codes)):
        session.add(StaffWard(user_id=row_id(user), ward_code=code))
    await session.flush()
