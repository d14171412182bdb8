"""Report cards: how well each body and each ward's answers are doing, against the council average."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.reportcard import MetricProvider, MetricRow, Scope
from civic.core.targets import TargetInfo
from civic.responses import stats
from civic.responses.models import Rating, Response, ResponseState
from civic.responses.queries_targets import all_awaiting

METRICS: list[MetricProvider] = []


def report_metric(provider: MetricProvider) -> MetricProvider:
    """Features add rows to every report card (e.g. priorities updated within 90 days); the app adds
    each feature's `metrics` from civic/features.py at startup."""
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


@dataclass(frozen=True)
class Facts:
    """What every card is worked out from, read once however many cards a page shows."""

    targets: list[TargetInfo]
    published: dict[tuple[str, str], Response]  # (target kind, target id) -> its published response
    scores: dict[int, list[int]]  # response id -> the ratings it was given


async def read_facts(session: AsyncSession, now: datetime) -> Facts:
    rows = await session.exec(select(Response).where(Response.state == ResponseState.PUBLISHED))
    published = {(r.target_kind, r.target_id): r for r in rows.all()}
    scores: dict[int, list[int]] = {}
    for response_id, score in (await session.exec(select(Rating.response_id, Rating.score))).all():
        scores.setdefault(response_id, []).append(score)
    return Facts(await all_awaiting(session, now), published, scores)


def card_for(facts: Facts, scope: Scope, now: datetime) -> Card:
    due: list[stats.Due] = []
    scores: list[int] = []
    overdue: list[TargetInfo] = []
    for target in facts.targets:
        if not scope.covers(target):
            continue
        response = facts.published.get((target.kind, target.id))
        if response is not None and response.id is not None:
            scores.extend(facts.scores.get(response.id, []))
        if target.due_at is None:
            continue
        due.append(stats.Due(target.due_at, response.first_published_at if response else None))
        if response is None and target.due_at < now:
            overdue.append(target)
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


async def build_card(session: AsyncSession, scope: Scope, now: datetime) -> Card:
    return card_for(await read_facts(session, now), scope, now)


async def extra_metrics(session: AsyncSession, scope: Scope, now: datetime) -> list[MetricRow]:
    rows: list[MetricRow] = []
    for provider in METRICS:
        rows.extend(await provider(session, scope, now))
    return rows


async def overdue_targets(session: AsyncSession, now: datetime) -> list[TargetInfo]:
    return (await build_card(session, Scope("council", None, "the council"), now)).overdue
