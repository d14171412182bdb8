"""Signature counts without a hot row.

Signing never touches the petition row. Public pages derive counts from an index on
(petition, state, suspect, ward) and each process reuses a derived count for a couple of seconds
(PETITION_COUNT_CACHE_SECONDS), so the count stays fresh within seconds while a burst of page views
costs one index scan. The tally job writes the counts onto petitions in one batch and applies the
thresholds (response due date, debate list), including falling back below them after invalidation.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.audit import record
from civic.core.db import row_id
from civic.petitions.answers import published_answers
from civic.petitions.models import (
    PUBLISHED_STATES,
    Channel,
    OfflineCheck,
    OfflineSignature,
    Petition,
    Signature,
    counted,
)
from civic.petitions.policy import Policy
from civic.petitions.service_debates import debates_for


class CountCache:
    """Per-process memo of derived counts; correctness never depends on it (it only delays)."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._totals: dict[int, tuple[float, int]] = {}
        self._wards: dict[int, tuple[float, list[tuple[str, int]]]] = {}

    def forget(self, petition_id: int) -> None:
        self._totals.pop(petition_id, None)
        self._wards.pop(petition_id, None)

    async def total(self, session: AsyncSession, petition_id: int) -> int:
        found = self._totals.get(petition_id)
        if found and time.monotonic() - found[0] < self.ttl:
            return found[1]
        count = (await counts_for(session, [petition_id])).get(petition_id, 0)
        self._totals[petition_id] = (time.monotonic(), count)
        return count

    async def wards(self, session: AsyncSession, petition_id: int) -> list[tuple[str, int]]:
        found = self._wards.get(petition_id)
        if found and time.monotonic() - found[0] < self.ttl:
            return found[1]
        rows = await session.exec(
            select(Signature.ward_code, func.count())
            .where(Signature.petition_id == petition_id, *counted())
            .group_by(col(Signature.ward_code))
        )
        by_ward = Counter({str(w): int(n) for w, n in rows.all()})
        offline = await session.exec(
            select(OfflineSignature.ward_code, func.count())
            .where(
                OfflineSignature.petition_id == petition_id, OfflineSignature.outcome == OfflineCheck.COUNTED
            )
            .group_by(col(OfflineSignature.ward_code))
        )
        by_ward.update({str(w): int(n) for w, n in offline.all()})
        breakdown = sorted(by_ward.items(), key=lambda item: (-item[1], item[0]))
        self._wards[petition_id] = (time.monotonic(), breakdown)
        return breakdown


async def counts_for(session: AsyncSession, petition_ids: list[int]) -> dict[int, int]:
    """Counted signatures of every channel together: thresholds and public totals use this."""
    totals: Counter[int] = Counter()
    for (pid, _channel), n in (await channel_counts(session, petition_ids)).items():
        totals[pid] += n
    return dict(totals)


async def channel_counts(session: AsyncSession, petition_ids: list[int]) -> dict[tuple[int, str], int]:
    """(petition, channel) -> counted signatures. Online ones come from the signatures' index; paper
    and assisted ones from their own table, so online signing never waits on them."""
    if not petition_ids:
        return {}
    rows = await session.exec(
        select(Signature.petition_id, func.count())
        .where(col(Signature.petition_id).in_(petition_ids), *counted())
        .group_by(col(Signature.petition_id))
    )
    found = {(int(pid), Channel.ONLINE.value): int(n) for pid, n in rows.all()}
    offline = await session.exec(
        select(OfflineSignature.petition_id, OfflineSignature.channel, func.count())
        .where(
            col(OfflineSignature.petition_id).in_(petition_ids),
            OfflineSignature.outcome == OfflineCheck.COUNTED,
        )
        .group_by(col(OfflineSignature.petition_id), col(OfflineSignature.channel))
    )
    found.update({(int(pid), str(ch)): int(n) for pid, ch, n in offline.all()})
    return found


async def public_ward_counts(session: AsyncSession) -> list[tuple[int, str, int]]:
    """(petition, ward code, counted signatures) for every open or closed petition, in that order."""
    rows = await session.exec(
        select(Signature.petition_id, Signature.ward_code, func.count())
        .join(Petition, col(Petition.id) == col(Signature.petition_id))
        .where(col(Petition.state).in_(PUBLISHED_STATES), *counted())
        .group_by(col(Signature.petition_id), col(Signature.ward_code))
        .order_by(col(Signature.petition_id), col(Signature.ward_code))
    )
    return [(int(pid), str(ward), int(n)) for pid, ward, n in rows.all()]


def next_goal(petition: Petition, count: int) -> tuple[str, int] | None:
    """The next threshold to aim for, as (name, number)."""
    for name, goal in (("response", petition.response_threshold), ("debate", petition.debate_threshold)):
        if goal and count < goal:
            return name, goal
    return None


def apply_thresholds(
    petition: Petition, count: int, *, now: datetime, policy: Policy, answered: bool, debated: bool
) -> list[str]:
    """Update threshold marks for a new count; returns what changed, for the audit log."""
    changes: list[str] = []
    if petition.response_threshold:
        reached = count >= petition.response_threshold
        if reached and petition.response_threshold_reached_at is None:
            petition.response_threshold_reached_at, petition.response_due_at = now, now + policy.response_due
            changes.append("response threshold reached")
        elif not reached and petition.response_threshold_reached_at and not answered:
            petition.response_threshold_reached_at = petition.response_due_at = None
            changes.append("fell below the response threshold")
    if petition.debate_threshold:
        reached = count >= petition.debate_threshold
        if reached and petition.debate_threshold_reached_at is None:
            petition.debate_threshold_reached_at = now
            changes.append("debate threshold reached")
        elif not reached and petition.debate_threshold_reached_at and not debated:
            petition.debate_threshold_reached_at = None
            changes.append("fell below the debate threshold")
    return changes


async def tally(session: AsyncSession, petitions: list[Petition], *, now: datetime, policy: Policy) -> int:
    """Write derived counts onto petitions and apply thresholds; returns how many changed."""
    ids = [p.id for p in petitions if p.id is not None]
    counts = await counts_for(session, ids)
    answered = await published_answers(session, ids)
    debates = await debates_for(session, ids)
    changed = 0
    for petition in petitions:
        count = counts.get(row_id(petition), 0)
        debate = debates.get(row_id(petition))
        changes = apply_thresholds(
            petition,
            count,
            now=now,
            policy=policy,
            answered=row_id(petition) in answered,
            debated=debate is not None and debate.scheduled_for is not None,
        )
        if count != petition.signature_count or changes:
            petition.signature_count, petition.counted_at = count, now
            session.add(petition)
            changed += 1
        for change in changes:
            await record(
                session, actor=None, action="petitions.threshold", object_type="petition",
                object_id=row_id(petition), now=now, reason=change, public=True,
            )  # fmt: skip
    await session.flush()
    return changed
