"""A stand-in target kind for testing responses on their own; the features' real kinds are tested
in their own suites and in the journeys."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.clock import FrozenClock
from civic.core.db import Database
from civic.core.targets import TargetInfo, TargetKind
from civic.responses.models import BodyKind
from civic.responses.queries_targets import KINDS, register_kind
from civic.responses.service import ensure_body


@dataclass
class Asks:
    """Asks held in memory, as a feature would hold them in its tables."""

    items: dict[str, TargetInfo] = field(default_factory=dict)
    askers: dict[str, list[str]] = field(default_factory=dict)
    asked_in: dict[str, str] = field(default_factory=dict)  # asker -> the language they asked in

    def add(
        self,
        target_id: str,
        *,
        due_at: datetime | None,
        asked_at: datetime,
        askers: list[str],
        ward: str = "E05900006",
        body: str = "council",
    ) -> TargetInfo:
        info = TargetInfo(
            kind="ask",
            id=target_id,
            title=f"Ask number {target_id}",
            href=f"/asks/{target_id}",
            body_slug=body,
            asked_at=asked_at,
            due_at=due_at,
            ward_codes=(ward,),
            summary="Fix the streetlights",
        )
        self.items[target_id] = info
        self.askers[target_id] = askers
        return info

    async def load(self, session: AsyncSession, target_id: str) -> TargetInfo | None:
        return self.items.get(target_id)

    async def awaiting(self, session: AsyncSession, now: datetime) -> list[TargetInfo]:
        return list(self.items.values())

    async def audience(self, session: AsyncSession, target_id: str) -> list[str]:
        return self.askers.get(target_id, [])

    async def languages(self, session: AsyncSession, target_id: str) -> dict[str, str]:
        return {a: self.asked_in[a] for a in self.askers.get(target_id, []) if a in self.asked_in}


@pytest.fixture
def asks(clock: FrozenClock) -> Iterator[Asks]:
    store = Asks()
    saved = dict(KINDS)
    register_kind(TargetKind("ask", "Test ask", store.load, store.awaiting, store.audience, store.languages))
    yield store
    KINDS.clear()
    KINDS.update(saved)


@pytest.fixture
async def bodies(db: Database) -> None:
    async with db.transaction() as session:
        await ensure_body(session, "council", "Fernbridge Borough Council", BodyKind.DEPARTMENT)
        await ensure_body(session, "police-fernbridge-central", "Central Policing Team", BodyKind.POLICE)
        await ensure_body(session, "police-fernbridge-north", "North Policing Team", BodyKind.POLICE)
        await ensure_body(session, "youth-service", "Youth Service", BodyKind.YOUTH)
        await ensure_body(session, "panel-1", "Riverside Panel", BodyKind.PANEL)


def due_in(clock: FrozenClock, days: int) -> datetime:
    return clock.now() + timedelta(days=days)
