"""The target kinds that responses answer, registered by the features that own them.

A feature describes its targets with a `TargetKind`: how to load one, which ones currently await a
response, and who asked to hear about it. Responses never import a feature's code; features import this.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.paths import parse_id


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


async def _nobody(session: AsyncSession, target_id: str) -> list[str]:
    return []


@dataclass(frozen=True)
class TargetKind:
    kind: str  # e.g. "petition"
    label: str  # e.g. "Petition"
    load: Loader
    awaiting: Lister  # targets that need (or have) a response, newest first
    audience: Audience = field(default=_nobody)  # emails of everyone who asked to hear (opted in)


KINDS: dict[str, TargetKind] = {}


def register_kind(target: TargetKind) -> TargetKind:
    KINDS[target.kind] = target
    return target


def get_kind(kind: str) -> TargetKind | None:
    return KINDS.get(kind)


async def load_target(session: AsyncSession, kind: str, target_id: str | int) -> TargetInfo | None:
    # Every kind's targets are rows with an id: a value that cannot be one never reaches a query.
    target, key = KINDS.get(kind), parse_id(target_id)
    return None if target is None or key is None else await target.load(session, str(key))


async def all_awaiting(session: AsyncSession, now: datetime) -> list[TargetInfo]:
    found: list[TargetInfo] = []
    for target in KINDS.values():
        found.extend(await target.awaiting(session, now))
    return found
