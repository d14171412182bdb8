"""Report cards: how well each body and each ward's answers are doing, against the council average."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.commitments import CommitmentInfo, Kept
from civic.core.reportcard import MetricProvider, MetricRow, Scope
from civic.core.targets import TargetInfo
from civic.responses import service_checkback, stats
from civic.responses.models import Rating, Response, ResponseState
from civic.responses.queries_commitments import all_commitments
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
    kept: float | None = None  # share of commitments kept, by the people who asked (None below 5 answers)
    kept_answers: int = 0
    late_commitments: int = 0  # open past their date, or closed after it: counted against their body
    disputed: list[CommitmentInfo] = field(default_factory=list)  # marked done; most who answered say not


@dataclass(frozen=True)
class Facts:
    """What every card is worked out from, read once however many cards a page shows."""

    targets: list[TargetInfo]
    published: dict[tuple[str, str], Response]  # (target kind, target id) -> its published response
    scores: dict[int, list[int]]  # response id -> the ratings it was given
    commitments: list[CommitmentInfo] = field(default_factory=list)  # every feature's
    tallies: dict[service_checkback.Key, service_checkback.Tally] = field(default_factory=dict)


async def read_facts(session: AsyncSession, now: datetime) -> Facts:
    rows = await session.exec(select(Response).where(Response.state == ResponseState.PUBLISHED))
    published = {(r.target_kind, r.target_id): r for r in rows.all()}
    scores: dict[int, list[int]] = {}
    for response_id, score in (await session.exec(select(Rating.response_id, Rating.score))).all():
        scores.setdefault(response_id, []).append(score)
    commitments = await all_commitments(session)
    tallies = await service_checkback.tallies(session)
    return Facts(await all_awaiting(session, now), published, scores, commitments, tallies)


def _holds(scope: Scope, item: CommitmentInfo) -> bool:
    if scope.key is None:
        return True
    return item.body_slug == scope.key if scope.kind == "body" else scope.key in item.ward_codes


@dataclass(frozen=True)
class KeptPart:
    share: float | None
    answers: int
    late: int
    disputed: list[CommitmentInfo]


def commitments_kept(facts: Facts, scope: Scope, now: datetime) -> KeptPart:
    """What the people who asked say about the scope's commitments, and which are late."""
    mine = [c for c in facts.commitments if _holds(scope, c)]
    said = [facts.tallies.get((c.kind, c.ref), service_checkback.Tally()) for c in mine]
    done, partly, not_done = (sum(getattr(t, part) for t in said) for part in ("done", "partly", "not_done"))
    disputed = [c for c, t in zip(mine, said, strict=True) if c.state == Kept.DONE and t.disputed]
    late = sum(1 for c in mine if c.is_late(now.date()))
    return KeptPart(stats.commitments_kept(done, partly, not_done), done + partly + not_done, late, disputed)


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
    kept = commitments_kept(facts, scope, now)
    score = stats.grade_score(timing.share_on_time, average, kept.share)
    return Card(
        scope,
        timing,
        average,
        len(scores),
        score,
        stats.letter(score),
        sorted(overdue, key=lambda t: t.due_at or now),
        kept.share,
        kept.answers,
        kept.late,
        kept.disputed,
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
