"""Report cards: how well each body and each ward's answers are doing, against the council average."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.responses import stats
from civic.responses.models import Rating, Response, ResponseState
from civic.responses.targets import TargetInfo, all_awaiting


@dataclass(frozen=True)
class Scope:
    """What a card is about: a body (`kind="body"`) or a ward (`kind="ward"`); None key = whole council."""

    kind: str
    key: str | None
    name: str

    def covers(self, target: TargetInfo) -> bool:
        if self.key is None:
            return True
        return target.body_slug == self.key if self.kind == "body" else self.key in target.ward_codes


@dataclass(frozen=True)
class MetricRow:
    label: str
    value: float | None
    council: float | None
    unit: str  # "%", "per 1,000 residents", "days", "" (a count)

    @property
    def comparison(self) -> str | None:
        """Higher or lower than the council, in words; neutral, since for some rows higher is worse."""
        if self.value is None or self.council is None:
            return None
        if self.value == self.council:
            return "Same"
        return "Higher" if self.value > self.council else "Lower"


MetricProvider = Callable[[AsyncSession, Scope, datetime], Awaitable[list[MetricRow]]]
METRICS: list[MetricProvider] = []


def report_metric(provider: MetricProvider) -> MetricProvider:
    """Features add rows to every report card (e.g. priorities updated within 90 days)."""
    METRICS.append(provider)
    return provider


@dataclass
class Card:
    scope: Scope
    timeliness: stats.Timeliness
    satisfaction: float | None
    ratings: int
    score: float | None
    grade: str | None
    overdue: list[TargetInfo] = field(default_factory=list)


async def _published(session: AsyncSession) -> dict[tuple[str, str], Response]:
    rows = await session.exec(select(Response).where(Response.state == ResponseState.PUBLISHED))
    return {(r.target_kind, r.target_id): r for r in rows.all()}


async def _scores(session: AsyncSession, response_ids: list[int]) -> list[int]:
    scores: list[int] = []
    for start in range(0, len(response_ids), 500):
        chunk = response_ids[start : start + 500]
        scores.extend(
            (await session.exec(select(Rating.score).where(col(Rating.response_id).in_(chunk)))).all()
        )
    return scores


async def build_card(session: AsyncSession, scope: Scope, now: datetime) -> Card:
    targets = [t for t in await all_awaiting(session, now) if scope.covers(t)]
    published = await _published(session)
    due: list[stats.Due] = []
    answered: list[int] = []
    overdue: list[TargetInfo] = []
    for target in targets:
        response = published.get((target.kind, target.id))
        if response is not None and response.id is not None:
            answered.append(response.id)
        if target.due_at is None:
            continue
        due.append(stats.Due(target.due_at, response.first_published_at if response else None))
        if response is None and target.due_at < now:
            overdue.append(target)
    scores = await _scores(session, answered)
    average = round(sum(scores) / len(scores), 2) if scores else None
    timing = stats.timeliness(due, now)
    score = stats.grade_score(timing.share_on_time, average)
    return Card(
        scope,
        timing,
        average,
        len(scores),
        score,
        stats.letter(score),
        sorted(overdue, key=lambda t: t.due_at or now),
    )


async def extra_metrics(session: AsyncSession, scope: Scope, now: datetime) -> list[MetricRow]:
    rows: list[MetricRow] = []
    for provider in METRICS:
        rows.extend(await provider(session, scope, now))
    return rows


async def overdue_targets(session: AsyncSession, now: datetime) -> list[TargetInfo]:
    return (await build_card(session, Scope("council", None, "the council"), now)).overdue
