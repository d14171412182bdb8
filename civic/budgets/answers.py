"""Youth budgets as something the youth service answers: once results are published, the service
owes a public response on what it will do ("you said, we did"), due four weeks later. Registered with
the responses feature, which owns the queue, publication and notifications."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.budgets.models import BudgetProcess, BudgetResult
from civic.budgets.service import follower_emails, follower_languages
from civic.core.db import row_id
from civic.core.i18n import lazy_gettext as _l
from civic.core.targets import TargetInfo, TargetKind

KIND = "youth_budget"
BODY = "youth-service"
ANSWER_WITHIN = timedelta(days=28)


async def _published(session: AsyncSession, process_id: int) -> datetime | None:
    rows = await session.exec(
        select(BudgetResult.published_at)
        .where(BudgetResult.process_id == process_id, col(BudgetResult.published_at).is_not(None))
        .order_by(col(BudgetResult.published_at))
        .limit(1)
    )
    return rows.first()


def _info(process: BudgetProcess, published_at: datetime) -> TargetInfo:
    return TargetInfo(
        kind=KIND,
        id=str(process.id),
        title=process.title,
        href=f"/budgets/{process.slug}/results",
        body_slug=BODY,
        asked_at=published_at,
        due_at=published_at + ANSWER_WITHIN,
        summary=f"Young people voted on how to spend £{process.total:,}.",
    )


async def load(session: AsyncSession, target_id: str) -> TargetInfo | None:
    process = await session.get(BudgetProcess, int(target_id)) if target_id.isdigit() else None
    published_at = None if process is None else await _published(session, row_id(process))
    return None if process is None or published_at is None else _info(process, published_at)


async def awaiting(session: AsyncSession, now: datetime) -> list[TargetInfo]:
    found = []
    for process in (await session.exec(select(BudgetProcess))).all():
        published_at = await _published(session, row_id(process))
        if published_at is not None:
            found.append(_info(process, published_at))
    return sorted(found, key=lambda t: t.asked_at, reverse=True)


async def audience(session: AsyncSession, target_id: str) -> list[str]:
    return await follower_emails(session, int(target_id)) if target_id.isdigit() else []


async def languages(session: AsyncSession, target_id: str) -> dict[str, str]:
    """The language each follower shared their idea in."""
    return await follower_languages(session, int(target_id)) if target_id.isdigit() else {}


TARGET_KIND = TargetKind(KIND, _l("Youth budget"), load, awaiting, audience, languages)
