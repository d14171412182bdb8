"""Closing, counting and publishing a round; priorities and their progress; emails to opted-in voters."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core import audit
from civic.core.db import row_id
from civic.core.errors import Conflict
from civic.core.i18n import gettext
from civic.core.localtime import local_date
from civic.core.outbox import Mail
from civic.core.publish import shown_count
from civic.core.users import StaffUser
from civic.priorities import counting, service_count, summary
from civic.priorities.models import (
    MAX_REVIEW,
    Candidate,
    Priority,
    PriorityRound,
    PriorityStatus,
    PriorityUpdate,
    RoundState,
)
from civic.priorities.notify import email_voters
from civic.priorities.service import (
    PrioritiesError,
    candidates_of,
    meeting_hands,
    meetings_of,
    transition,
)
from civic.priorities.service_voting import ballots_of, offline_ballots_of


async def compute_results(session: AsyncSession, item: PriorityRound) -> counting.Result:
    """Count the round and store the figures on its candidates and on the round."""
    candidates = await candidates_of(session, row_id(item))
    ballots = [
        counting.CastBallot(b.choices, b.works_here, b.ward_code)
        for b in await ballots_of(session, row_id(item))
    ] + [
        counting.CastBallot(b.choices, b.works_here, b.ward_code, b.channel.value)
        for b in await offline_ballots_of(session, row_id(item))
    ]
    result = counting.count(
        method=counting.CountMethod(item.method.value),
        allowed=item.choices,
        candidate_ids=[row_id(c) for c in candidates],
        ballots=ballots,
        meeting_hands=await meeting_hands(session, row_id(item)),
        top_n=item.top_n,
    )
    by_id = {c.id: c for c in candidates}
    for row in result.rows:
        candidate = by_id[row.candidate_id]
        candidate.residents, candidate.workers = row.residents, row.workers
        candidate.meeting, candidate.total = row.meeting, row.total
        candidate.paper, candidate.assisted = row.paper, row.assisted
        candidate.position = row.position
        if item.state != RoundState.PUBLISHED:
            candidate.chosen = row.chosen
        session.add(candidate)
    item.resident_voters, item.worker_voters = result.resident_voters, result.worker_voters
    item.paper_voters, item.assisted_voters = result.paper_voters, result.assisted_voters
    item.wards_json = json.dumps(result.wards)
    item.meeting_attendance = await _attendance(session, item)
    session.add(item)
    await session.flush()
    return result


async def _attendance(session: AsyncSession, item: PriorityRound) -> int:
    return sum(m.attendance for m in await meetings_of(session, row_id(item)))


async def close_round(
    session: AsyncSession, item: PriorityRound, *, actor: StaffUser | None, now: datetime
) -> counting.Result:
    await transition(session, item, RoundState.CLOSED, actor=actor, now=now)
    return await compute_results(session, item)


def ranked(candidates: list[Candidate]) -> list[Candidate]:
    return sorted(candidates, key=lambda c: (c.position or 10_000, row_id(c)))


async def publish_results(
    session: AsyncSession,
    item: PriorityRound,
    *,
    actor: StaffUser | None,
    chosen_ids: list[int] | None,
    reason: str,
    now: datetime,
    mail: Mail,
    retention_days: int,
    in_languages: Callable[[list[Priority]], Awaitable[Mapping[str, dict[str, Any]]]] | None = None,
) -> list[Priority]:
    """Publish the count; the counted top N (or an override with a public reason) become priorities.
    `in_languages` is given the new priorities before the voters are emailed: it returns the email's
    context per language, with the team's words in it."""
    if item.state != RoundState.CLOSED:
        raise Conflict(gettext("Only a closed round's results can be published."))
    result = await compute_results(session, item)
    chosen = result.chosen_ids if chosen_ids is None else list(dict.fromkeys(chosen_ids))
    if not chosen or not set(chosen) <= {r.candidate_id for r in result.rows}:
        raise PrioritiesError(gettext("Choose at least one candidate from this round"))
    overridden = counting.needs_reason(result, chosen)
    if overridden and not reason.strip():
        raise PrioritiesError(gettext("Give a public reason for choosing differently from the count"))
    item.override_reason = reason.strip() if overridden else ""
    item.published_at = now
    item.contacts_delete_after = now + timedelta(days=retention_days)
    priorities = await _adopt(session, item, chosen, now)
    await transition(
        session,
        item,
        RoundState.PUBLISHED,
        actor=actor,
        now=now,
        reason=("Override: " + item.override_reason) if overridden else "Counted top issues adopted",
    )
    await service_count.publish_record(session, item, result, actor=actor, now=now)
    plain = summary.of_round(item, await candidates_of(session, row_id(item)), shown_count)
    await email_voters(
        session,
        row_id(item),
        template="priorities_results",
        context={"round": item, "priorities": priorities, "summary": plain},
        mail=mail,
        now=now,
        dedupe_key=f"priorities:results:{item.id}",
        contexts=await in_languages(priorities) if in_languages else None,
    )
    return priorities


async def _adopt(
    session: AsyncSession, item: PriorityRound, chosen: list[int], now: datetime
) -> list[Priority]:
    candidates = {c.id: c for c in await candidates_of(session, row_id(item))}
    order = ranked([candidates[cid] for cid in chosen])
    made = []
    for candidate in candidates.values():
        candidate.chosen = candidate.id in chosen
        session.add(candidate)
    for candidate in order:
        priority = Priority(
            round_id=row_id(item),
            candidate_id=row_id(candidate),
            neighbourhood_slug=item.neighbourhood_slug,
            category=candidate.category,
            title=candidate.title,
            description=candidate.description,
            review_on=now + MAX_REVIEW,
            adopted_at=now,
            last_update_at=now,
        )
        session.add(priority)
        made.append(priority)
    await session.flush()
    return made


async def priorities_of_round(session: AsyncSession, round_id: int) -> list[Priority]:
    rows = await session.exec(
        select(Priority).where(Priority.round_id == round_id).order_by(col(Priority.id))
    )
    return list(rows.all())


async def updates_of(session: AsyncSession, priority_ids: list[int]) -> list[PriorityUpdate]:
    rows = await session.exec(
        select(PriorityUpdate)
        .where(col(PriorityUpdate.priority_id).in_(priority_ids))
        .order_by(col(PriorityUpdate.at).desc(), col(PriorityUpdate.id).desc())
    )
    return list(rows.all())


async def update_priority(
    session: AsyncSession,
    priority: Priority,
    *,
    actor: StaffUser | None,
    now: datetime,
    mail: Mail,
    text: str,
    status: PriorityStatus,
    owner: str,
    target: str,
    review_on: datetime,
    on_update: Callable[[PriorityUpdate], Awaitable[Mapping[str, dict[str, Any]]]] | None = None,
) -> PriorityUpdate | None:
    """Change the plan and/or post a dated public update. A status change needs an update text and
    emails the round's opted-in voters once. `on_update` is given the new update before anyone is
    emailed (to store its versions); it returns the email's context per language."""
    if review_on > now + MAX_REVIEW:
        raise PrioritiesError(gettext("The review date must be within 90 days"))
    if local_date(review_on) < local_date(now):
        raise PrioritiesError(gettext("The review date cannot be in the past"))
    changed = status != priority.status
    if changed and not text.strip():
        raise PrioritiesError(gettext("Say what was done when you change the status"), field="text")
    priority.owner, priority.target, priority.review_on = owner.strip(), target.strip(), review_on
    update = None
    if text.strip():
        update = PriorityUpdate(
            priority_id=row_id(priority),
            at=now,
            text=text.strip(),
            status=status,
            author_id=None if actor is None else actor.id,
        )
        session.add(update)
        priority.last_update_at, priority.status = now, status
    session.add(priority)
    await session.flush()
    action = "priorities.status" if changed else "priorities.update"
    reason = f"{priority.title}: {status.label}" if changed else f"{priority.title}: plan or progress updated"
    await audit.record(
        session,
        actor=actor,
        action=action,
        object_type="priorities_priority",
        object_id=priority.id,
        now=now,
        reason=reason,
        public=True,
    )
    contexts = await on_update(update) if on_update and update is not None else None
    if changed and update is not None:
        await _notify_status(session, priority, update, mail, now, contexts)
    return update


async def _notify_status(
    session: AsyncSession,
    priority: Priority,
    update: PriorityUpdate,
    mail: Mail,
    now: datetime,
    contexts: Mapping[str, dict[str, Any]] | None = None,
) -> None:
    await email_voters(
        session,
        priority.round_id,
        template="priorities_status",
        context={"priority": priority, "update": update},
        mail=mail,
        now=now,
        dedupe_key=f"priorities:status:{update.id}",
        contexts=contexts,
    )
