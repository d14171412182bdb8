"""What a feature tells the responses feature about the things it answers: a `TargetKind` says how to
load one target, which ones await a response, and who asked to hear. It lives in core so the feature
contract (civic/core/features.py) can name it without core importing a feature."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.i18n import Text


@dataclass(frozen=True)
class TargetInfo:
    kind: str
    id: str
    title: str
    href: str  # the target's own public page
    body_slug: str  # the responsible body
    asked_at: datetime  # when the ask became due for an answer (threshold reached, round closed, ...)
    due_at: datetime | None  # when the response is due; None = no deadline
    ward_codes: tuple[str, ...] = ()
    summary: str = ""  # one line on what was asked


Loader = Callable[[AsyncSession, str], Awaitable[TargetInfo | None]]
Lister = Callable[[AsyncSession, datetime], Awaitable[list[TargetInfo]]]
Audience = Callable[[AsyncSession, str], Awaitable[list[str]]]
# email -> the language that person used when they asked (signed, voted, subscribed); one not listed
# hears in the council's default language.
Languages = Callable[[AsyncSession, str], Awaitable[dict[str, str]]]


async def _nobody(session: AsyncSession, target_id: str) -> list[str]:
    return []


async def _no_languages(session: AsyncSession, target_id: str) -> dict[str, str]:
    return {}


@dataclass(frozen=True)
class TargetKind:
    kind: str  # e.g. "petition"
    label: Text  # e.g. "Petition", in the reader's language when shown
    load: Loader
    awaiting: Lister  # targets that need (or have) a response, newest first
    audience: Audience = field(default=_nobody)  # emails of everyone who asked to hear (opted in)
    languages: Languages = field(default=_no_languages)  # the language each of them used
