"""What a feature's demo loader is given and what it must look like. The loaders themselves are
listed by each feature's contract; `civic.demo` runs them after the areas and staff exist. This lives
in core so that features never import `civic.demo`, which itself needs every feature."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.config import Settings
from civic.core.clock import SystemClock
from civic.core.localtime import LONDON
from civic.core.outbox import Mail
from civic.core.users import Role, StaffUser


@dataclass
class DemoContext:
    settings: Settings
    mail: Mail
    staff: dict[Role, StaffUser] = field(default_factory=dict)


DemoLoader = Callable[[AsyncSession, DemoContext], Awaitable[None]]
LOADERS: list[DemoLoader] = []  # every feature's loaders in order, filled in by civic/features.py


# Demo moments fall in the working day, on the hour, UK time.
DAY_STARTS, DAY_ENDS = 9, 18


def demo_now(at: datetime | None = None) -> datetime:
    """The moment every demo date is counted from: the last whole hour of the UK working day at or
    before `at` (now by default). Loaders add whole days and hours to it, so the demo shows round
    local times ("7pm", "10am") rather than the minute it was loaded at ("6:05am"). Never after
    `at`, so what the demo says is open or closed now still is."""
    local = (at or SystemClock().now()).astimezone(LONDON).replace(minute=0, second=0, microsecond=0)
    if local.hour < DAY_STARTS:
        local = (local - timedelta(days=1)).replace(hour=DAY_ENDS)
    elif local.hour > DAY_ENDS:
        local = local.replace(hour=DAY_ENDS)
    # Rebuilt from its wall-clock parts so a day moved across a clock change keeps its hour.
    wall = datetime(local.year, local.month, local.day, local.hour, tzinfo=LONDON)
    return wall.astimezone(UTC)
