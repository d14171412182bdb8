"""What petitions put on the home page's "open now" list."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.home import OpenItem
from civic.core.i18n import current as current_language
from civic.core.i18n import gettext
from civic.core.templating import format_date
from civic.petitions import versions
from civic.petitions.models import Petition, State


async def open_petitions(session: AsyncSession, now: datetime) -> list[OpenItem]:
    rows = await session.exec(
        select(Petition).where(Petition.state == State.OPEN).order_by(col(Petition.opened_at).desc()).limit(5)
    )
    shown = await versions.localise(session, rows.all(), current_language())
    return [
        OpenItem(
            gettext("Petitions"),
            p.action,
            f"/petitions/{p.id}",
            gettext("Closes %(date)s", date=format_date(p.closes_at)),
        )
        for p in shown
    ]
