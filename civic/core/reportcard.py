"""The shape of a report-card row a feature adds (`MetricProvider`): core holds it so the feature
contract (civic/core/features.py) can name it; the responses feature builds the cards."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.i18n import Text, gettext
from civic.core.targets import TargetInfo


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
    label: Text  # in the reader's language when shown
    value: float | None
    council: float | None
    unit: Text  # "%", "per 1,000 residents", "days", "" (a count)

    @property
    def comparison(self) -> str | None:
        """Higher or lower than the council, in words; neutral, since for some rows higher is worse."""
        if self.value is None or self.council is None:
            return None
        if self.value == self.council:
            return gettext("Same")
        return gettext("Higher") if self.value > self.council else gettext("Lower")


MetricProvider = Callable[[AsyncSession, Scope, datetime], Awaitable[list[MetricRow]]]
