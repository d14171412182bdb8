"""What the public pages and open data show: built from published rounds only, with no personal data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.areas import Neighbourhood, list_neighbourhoods
from civic.core.db import row_id
from civic.core.home import OpenItem
from civic.core.localtime import format_datetime, local_date
from civic.core.publish import shown_value
from civic.priorities.models import (
    Candidate,
    Priority,
    PriorityRound,
    PriorityUpdate,
    RoundState,
)
from civic.priorities.service import candidates_of, meetings_of, rounds_of
from civic.priorities.service_results import priorities_of_round, ranked, updates_of


@dataclass
class TrackedPriority:
    priority: Priority
    updates: list[PriorityUpdate]

    @property
    def latest(self) -> PriorityUpdate | None:
        return self.updates[0] if self.updates else None


@dataclass
class NeighbourhoodView:
    neighbourhood: Neighbourhood
    current_round: PriorityRound | None  # latest published round
    current: list[TrackedPriority] = field(default_factory=list)
    open_rounds: list[PriorityRound] = field(default_factory=list)  # suggestions or voting open
    past: list[tuple[PriorityRound, list[TrackedPriority]]] = field(default_factory=list)

    def stale_count(self, now: datetime) -> int:
        return sum(1 for t in self.current if t.priority.is_stale(now))


async def tracked(session: AsyncSession, priorities: list[Priority]) -> list[TrackedPriority]:
    updates = await updates_of(session, [row_id(p) for p in priorities])
    return [TrackedPriority(p, [u for u in updates if u.priority_id == p.id]) for p in priorities]


async def neighbourhood_view(session: AsyncSession, hood: Neighbourhood) -> NeighbourhoodView:
    rounds = await rounds_of(session, hood.slug)
    published = [r for r in rounds if r.state == RoundState.PUBLISHED]
    published.sort(key=lambda r: (r.published_at or r.closes_at, row_id(r)), reverse=True)
    view = NeighbourhoodView(hood, published[0] if published else None)
    view.open_rounds = [r for r in rounds if r.state in {RoundState.SUGGESTIONS_OPEN, RoundState.VOTING_OPEN}]
    for index, item in enumerate(published):
        items = await tracked(session, await priorities_of_round(session, row_id(item)))
        if index == 0:
            view.current = items
        else:
            view.past.append((item, items))
    return view


async def all_views(session: AsyncSession) -> list[NeighbourhoodView]:
    return [await neighbourhood_view(session, hood) for hood in await list_neighbourhoods(session)]


async def open_rounds(session: AsyncSession, now: datetime) -> list[OpenItem]:
    rows = await session.exec(
        select(PriorityRound, Neighbourhood)
        .join(Neighbourhood, col(Neighbourhood.slug) == col(PriorityRound.neighbourhood_slug))
        .where(col(PriorityRound.state).in_([RoundState.VOTING_OPEN, RoundState.SUGGESTIONS_OPEN]))
        .order_by(col(PriorityRound.closes_at))
    )
    items = []
    for item, hood in rows.all():
        if item.state == RoundState.SUGGESTIONS_OPEN:
            items.append(
                OpenItem(
                    "Police priorities", f"Suggest issues for {hood.name}", f"/priorities/rounds/{item.id}"
                )
            )
        elif item.voting_is_open(now):
            detail = f"Closes {format_datetime(item.closes_at)}"
            items.append(
                OpenItem(
                    "Police priorities",
                    f"Vote on police priorities for {hood.name}",
                    f"/priorities/rounds/{item.id}",
                    detail,
                )
            )
    return items


# --- open data ---------------------------------------------------------------------------------------


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%S")


def police_uk(view: NeighbourhoodView) -> list[dict[str, str | None]]:
    """police.uk's neighbourhood priorities shape: issue, issue-date, action, action-date."""
    return [
        {
            "issue": t.priority.title + (f". {t.priority.description}" if t.priority.description else ""),
            "issue-date": iso(t.priority.adopted_at),
            "action": t.latest.text if t.latest else None,
            "action-date": iso(t.latest.at) if t.latest else None,
        }
        for t in view.current
    ]


def priority_record(t: TrackedPriority, now: datetime) -> dict[str, Any]:
    p = t.priority
    return {
        "id": p.id,
        "round_id": p.round_id,
        "issue": p.title,
        "category": p.category.value,
        "description": p.description,
        "owner": p.owner,
        "target": p.target,
        "status": p.status.value,
        "adopted": iso(p.adopted_at),
        "review_date": local_date(p.review_on).isoformat(),
        "last_update": iso(p.last_update_at),
        "stale": p.is_stale(now),
        "updates": [{"date": iso(u.at), "status": u.status.value, "text": u.text} for u in t.updates],
    }


def result_record(c: Candidate) -> dict[str, Any]:
    return {
        "candidate_id": c.id,
        "issue": c.title,
        "category": c.category.value,
        "description": c.description,
        "position": c.position,
        "online_residents": shown_value(c.residents),
        "online_workers": shown_value(c.workers),
        "meeting": shown_value(c.meeting),
        "paper": shown_value(c.paper),
        "assisted": shown_value(c.assisted),
        "total": shown_value(c.total),
        "became_priority": c.chosen,
    }


async def round_record(session: AsyncSession, item: PriorityRound) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": item.id,
        "title": item.title,
        "state": item.state.value,
        "method": item.method.value,
        "choices_per_voter": item.choices,
        "priorities_chosen": item.top_n,
        "opens": iso(item.opens_at),
        "closes": iso(item.closes_at),
        "published": iso(item.published_at),
    }
    if item.state == RoundState.PUBLISHED:
        meetings = await meetings_of(session, row_id(item))
        record["turnout"] = {
            "online_residents": shown_value(item.resident_voters),
            "online_workers": shown_value(item.worker_voters),
            "meeting_attendance": shown_value(item.meeting_attendance),
            "paper_ballots": shown_value(item.paper_voters),
            "assisted_votes": shown_value(item.assisted_voters),
        }
        record["voters_by_ward"] = {code: shown_value(n) for code, n in item.ward_counts.items()}
        record["meetings"] = [
            {
                "date": local_date(m.held_on).isoformat(),
                "place": m.place,
                "attendance": shown_value(m.attendance),
            }
            for m in meetings
            if m.is_recorded  # a cancelled meeting, or one never tallied, added no votes
        ]
        record["override_reason"] = item.override_reason or None
        record["results"] = [result_record(c) for c in ranked(await candidates_of(session, row_id(item)))]
    return record
