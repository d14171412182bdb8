"""What a feature tells the responses feature about the promises it already tracks: a panel's
actions, a funded youth budget project's delivery, a police priority, an answer's commitment. Each
is a `CommitmentInfo` read from the feature's own tables (nothing is copied), so "was it done?",
the report cards and the lists per body and ward cover them all. It lives in core so the feature
contract (civic/core/features.py) can name it without core importing a feature."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.i18n import LazyString, lazy_gettext


class Kept(StrEnum):
    """Where a commitment stands, in the words every source maps its own statuses onto."""

    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        """In the language of the moment (the reader's, on a page)."""
        return str(
            {"open": lazy_gettext("open"), "done": lazy_gettext("done"), "dropped": lazy_gettext("dropped")}[
                self
            ]
        )


@dataclass(frozen=True)
class CommitmentInfo:
    kind: str  # the source, e.g. "panel_action"
    ref: str  # its row's id
    what: str  # what will be done
    owner: str  # who acts, as the feature records it ("Highways team")
    body_slug: str  # the responsible body it counts against
    due_on: date | None  # by when; None = no date promised (asked about once marked done)
    state: Kept
    closed_on: date | None  # when it was marked done or dropped
    href: str  # the public page that tracks it
    asked_kind: str  # the ask it answers (a target kind): its audience are "the people who asked"
    asked_ref: str
    ward_codes: tuple[str, ...] = ()

    def is_late(self, today: date) -> bool:
        """Open past its date, or closed after it."""
        if self.due_on is None:
            return False
        if self.state == Kept.OPEN:
            return today > self.due_on
        return self.closed_on is not None and self.closed_on > self.due_on


Lister = Callable[[AsyncSession], Awaitable[list[CommitmentInfo]]]
Loader = Callable[[AsyncSession, str], Awaitable[CommitmentInfo | None]]
AskLister = Callable[[AsyncSession, str], Awaitable[list[CommitmentInfo]]]


async def _none(session: AsyncSession, ask_ref: str) -> list[CommitmentInfo]:
    return []


@dataclass(frozen=True)
class CommitmentSource:
    kind: str  # e.g. "panel_action"
    label: str | LazyString  # e.g. "Panel action", in the reader's language when shown
    load: Loader  # one commitment by its ref, or None
    listing: Lister  # every commitment it tracks
    asks: str = ""  # the target kind its commitments answer, e.g. "panel_decision"
    for_ask: AskLister = _none  # the commitments answering one such ask, by its ref (for timelines)
