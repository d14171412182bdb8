"""What a feature's demo loader is given and what it must look like. The loaders themselves are
listed by each feature's contract; `civic.demo` runs them after the areas and staff exist. This lives
in core so that features never import `civic.demo`, which itself needs every feature."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.config import Settings
from civic.core.outbox import Mail
from civic.core.users import Role, StaffUser


@dataclass
class DemoContext:
    settings: Settings
    mail: Mail
    staff: dict[Role, StaffUser] = field(default_factory=dict)


DemoLoader = Callable[[AsyncSession, DemoContext], Awaitable[None]]
LOADERS: list[DemoLoader] = []  # every feature's loaders in order, filled in by civic/features.py
