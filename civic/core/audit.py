"""The append-only, hash-chained audit log of staff and system actions.

Each entry's hash covers its own fields and the previous entry's hash, so changing or deleting any
entry breaks every link after it; `civic audit verify` reports the first broken one. Appends are
serialised (SQLite's write lock, a PostgreSQL advisory lock) so the chain never forks.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text, update
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.db import UTCDateTime, dialect_name, row_id, run_sql
from civic.core.users import StaffUser

GENESIS = "0" * 64
REDACTED = "[details redacted: they named a person]"
_PG_LOCK_KEY = 7_401_223  # any constant; names the "audit append" advisory lock


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    actor_id: int | None = Field(default=None, foreign_key="staff_user.id")
    actor_label: str = Field(max_length=160)  # kept even if the account is later renamed
    action: str = Field(max_length=80, index=True)
    object_type: str = Field(max_length=60)
    object_id: str = Field(max_length=80)
    reason: str = Field(default="", max_length=2000)
    public: bool = Field(default=False, index=True)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)
    reason_digest: str = Field(default="", max_length=64)  # set when the details name a person
    redacted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


def reason_digest(reason: str) -> str:
    return hashlib.sha256(reason.encode()).hexdigest()


def entry_hash(entry: AuditEntry) -> str:
    """The entry's hash; an entry whose details name a person is hashed over their digest."""
    payload = json.dumps(
        [
            entry.prev_hash,
            entry.at.isoformat(timespec="microseconds"),
            entry.actor_id,
            entry.actor_label,
            entry.action,
            entry.object_type,
            entry.object_id,
            f"sha256:{entry.reason_digest}" if entry.reason_digest else entry.reason,
            entry.public,
        ],
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def actor_label(actor: StaffUser | None) -> str:
    return "system" if actor is None else f"{actor.name} ({actor.role.record_label})"


async def record(
    session: AsyncSession,
    *,
    actor: StaffUser | None,
    action: str,
    object_type: str,
    object_id: object,
    now: datetime,
    reason: str = "",
    public: bool = False,
    names_person: bool = False,
) -> AuditEntry:
    """Append one entry. `action` is dotted, e.g. "petitions.approve"; `actor` None means the system.
    `names_person` marks details that name a person, so they can be redacted later."""
    if await dialect_name(session) == "postgresql":
        await run_sql(session, text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    last = (await session.exec(select(AuditEntry.hash).order_by(col(AuditEntry.id).desc()).limit(1))).first()
    entry = AuditEntry(
        at=now,
        actor_id=None if actor is None else actor.id,
        actor_label=actor_label(actor),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        reason=reason,
        public=public,
        prev_hash=last or GENESIS,
        hash="",
        reason_digest=reason_digest(reason) if names_person else "",
    )
    entry.hash = entry_hash(entry)
    session.add(entry)
    await session.flush()
    return entry


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


async def verify_chain(session: AsyncSession, batch: int = 1000) -> ChainReport:
    """Walk the chain in id order; report the first entry whose link or content does not match."""
    previous, checked, after = GENESIS, 0, 0
    while True:
        rows = (
            await session.exec(
                select(AuditEntry).where(col(AuditEntry.id) > after).order_by(col(AuditEntry.id)).limit(batch)
            )
        ).all()
        if not rows:
            return ChainReport(checked)
        for entry in rows:
            if entry.prev_hash != previous:
                return ChainReport(
                    checked, row_id(entry), "its previous-hash does not match the entry before it"
                )
            if entry_hash(entry) != entry.hash or not _details_match(entry):
                return ChainReport(checked, row_id(entry), "its contents do not match its hash")
            previous, checked, after = entry.hash, checked + 1, row_id(entry)


def _details_match(entry: AuditEntry) -> bool:
    """Details hashed by digest must still match it, unless the redaction job replaced them."""
    if not entry.reason_digest:
        return True
    if entry.redacted_at is not None:
        return entry.reason == REDACTED
    return reason_digest(entry.reason) == entry.reason_digest


async def redact_due(session: AsyncSession, *, now: datetime, older_than: timedelta) -> int:
    """Replace details that name a person, in entries older than `older_than`, with `REDACTED`."""
    result = await session.exec(
        update(AuditEntry)
        .where(
            col(AuditEntry.reason_digest) != "",
            col(AuditEntry.redacted_at).is_(None),
            col(AuditEntry.at) < now - older_than,
        )
        .values(reason=REDACTED, redacted_at=now)
    )
    return int(result.rowcount or 0)


async def public_entries(session: AsyncSession, *, limit: int = 50, offset: int = 0) -> list[AuditEntry]:
    rows = await session.exec(
        select(AuditEntry)
        .where(col(AuditEntry.public).is_(True))
        .order_by(col(AuditEntry.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return list(rows.all())
