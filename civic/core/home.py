"""What the home page shows as "open now" and the staff dashboard's links. Each feature's contract
lists its providers and links (civic/core/features.py); civic/features.py fills these lists from them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.i18n import Text


@dataclass(frozen=True)
class OpenItem:
    feature: str  # e.g. "Petitions"
    title: str
    href: str
    detail: str = ""  # e.g. "Closes 3 March 2027"


Provider = Callable[[AsyncSession, datetime], Awaitable[list[OpenItem]]]
PROVIDERS: list[Provider] = []


async def collect_open_items(session: AsyncSession, now: datetime) -> list[OpenItem]:
    items: list[OpenItem] = []
    for provider in PROVIDERS:
        items.extend(await provider(session, now))
    return items


@dataclass(frozen=True)
class StaffLink:
    """A link on the staff dashboard, shown to the roles that can use it (admins see every link)."""

    text: Text  # a lazy string, shown in the reader's language
    href: str
    roles: frozenset[str]


STAFF_LINKS: list[StaffLink] = []


def staff_link(text: Text, href: str, *roles: str) -> StaffLink:
    return StaffLink(text, href, frozenset(roles))


def links_for(role: str) -> list[StaffLink]:
    return [link for link in STAFF_LINKS if role == "admin" or role in link.roles]
