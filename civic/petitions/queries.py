"""Read-side queries: the public list with filters and search, similar petitions, the timeline."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import exists, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.db import row_id
from civic.core.i18n import Text
from civic.core.i18n import lazy_gettext as _l
from civic.petitions.answers import Answer, has_published_answer
from civic.petitions.models import (
    VISIBLE_STATES,
    Petition,
    PetitionDebate,
    State,
)

FILTERS: Final = {
    "all": _l("All petitions"),
    "open": _l("Open"),
    "awaiting_response": _l("Awaiting a response"),
    "responded": _l("Responded to"),
    "awaiting_debate": _l("On the debate list"),
    "debated": _l("Debated"),
    "closed": _l("Closed"),
    "rejected": _l("Rejected"),
}
STOPWORDS: Final = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "that",
        "this",
        "from",
        "have",
        "should",
        "council",
        "into",
        "about",
        "more",
        "than",
        "their",
        "them",
        "they",
        "what",
        "when",
        "will",
        "would",
        "your",
        "make",
        "stop",
        "please",
    ]
)
PAGE_SIZE: Final = 20


def _debated() -> Any:
    return exists().where(
        col(PetitionDebate.petition_id) == col(Petition.id), col(PetitionDebate.debated_at).is_not(None)
    )


def _like(term: str) -> str:
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _matches(term: str) -> Any:
    pattern = _like(term)
    return or_(
        func.lower(Petition.action).like(pattern, escape="\\"),
        func.lower(Petition.background).like(pattern, escape="\\"),
        func.lower(Petition.additional_details).like(pattern, escape="\\"),
    )


def filter_clause(name: str) -> list[Any]:
    if name == "open":
        return [Petition.state == State.OPEN]
    if name == "closed":
        return [Petition.state == State.CLOSED]
    if name == "rejected":
        return [Petition.state == State.REJECTED]
    if name == "awaiting_response":
        return [
            col(Petition.state).in_([State.OPEN, State.CLOSED]),
            col(Petition.response_threshold_reached_at).is_not(None),
            ~has_published_answer(),
        ]
    if name == "responded":
        return [col(Petition.state).in_([State.OPEN, State.CLOSED]), has_published_answer()]
    if name == "awaiting_debate":
        return [
            col(Petition.state).in_([State.OPEN, State.CLOSED]),
            col(Petition.debate_threshold_reached_at).is_not(None),
            ~_debated(),
        ]
    if name == "debated":
        return [col(Petition.state).in_([State.OPEN, State.CLOSED]), _debated()]
    return [col(Petition.state).in_(VISIBLE_STATES)]


@dataclass(frozen=True)
class Listing:
    petitions: list[Petition]
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


async def list_public(
    session: AsyncSession, *, state: str = "all", query: str = "", page: int = 1, page_size: int = PAGE_SIZE
) -> Listing:
    where = filter_clause(state)
    for term in query.split()[:8]:
        where.append(_matches(term))
    total = (await session.exec(select(func.count()).select_from(Petition).where(*where))).one()
    rows = await session.exec(
        select(Petition)
        .where(*where)
        .order_by(col(Petition.opened_at).desc(), col(Petition.id).desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return Listing(list(rows.all()), int(total), page)


def keywords(text: str) -> list[str]:
    words = {w for w in re.findall(r"[a-z0-9']+", text.lower()) if len(w) >= 4 and w not in STOPWORDS}
    return sorted(words, key=len, reverse=True)[:8]


async def similar(session: AsyncSession, text: str, *, limit: int = 5) -> list[Petition]:
    """Open petitions sharing the most words with the text (LIKE works the same on both engines)."""
    words = keywords(text)
    if not words:
        return []
    rows = await session.exec(
        select(Petition)
        .where(Petition.state == State.OPEN)
        .where(or_(*[_matches(w) for w in words]))
        .limit(200)
    )

    def score(petition: Petition) -> int:
        haystack = f"{petition.action} {petition.background}".lower()
        return sum(2 if w in petition.action.lower() else 1 for w in words if w in haystack)

    return sorted(rows.all(), key=lambda p: (-score(p), -row_id(p)))[:limit]


@dataclass(frozen=True)
class Event:
    at: datetime
    title: Text
    detail: Text = ""


def timeline(petition: Petition, response: Answer | None, debate: PetitionDebate | None) -> list[Event]:
    events: list[Event] = []

    def add(at: datetime | None, title: Text, detail: Text = "") -> None:
        if at is not None:
            events.append(Event(at, title, detail))

    # Lazy: the page's context is cached and shared by readers of every language.
    add(petition.created_at, _l("Petition created"))
    add(petition.opened_at, _l("Opened for signatures"))
    add(petition.rejected_at if petition.state == State.REJECTED else None, _l("Rejected"))
    add(
        petition.response_threshold_reached_at,
        _l("Reached %(count)s signatures", count=format(petition.response_threshold or 0, ",")),
        _l("The council will respond"),
    )
    add(
        petition.debate_threshold_reached_at,
        _l("Reached %(count)s signatures", count=format(petition.debate_threshold or 0, ",")),
        _l("The council will debate this petition"),
    )
    add(response.published_at if response else None, _l("The council responded"))
    if debate is not None:
        add(debate.scheduled_for, _l("Debate scheduled") if debate.debated_at is None else _l("Debated"))
        add(debate.debated_at, _l("Debate outcome published"))
    add(petition.closed_at, _l("Closed"))
    return sorted(events, key=lambda e: e.at)
