"""The target kinds that responses answer, listed by the features that own them (their contract's
`target_kinds`, filled in from civic/features.py).

A feature describes its targets with a `TargetKind`: how to load one, which ones currently await a
response, and who asked to hear about it. Responses never import a feature's code; features import this.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.paths import parse_id
from civic.core.targets import TargetInfo, TargetKind

KINDS: dict[str, TargetKind] = {}


def register_kind(target: TargetKind) -> TargetKind:
    """Adds one kind; the app adds every feature's kinds from civic/features.py at startup."""
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
