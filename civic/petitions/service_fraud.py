"""Moderators' signature search, bulk invalidation, and the anonymisation of signers' data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, func, literal
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.audit import record
from civic.core.db import row_id
from civic.core.errors import Conflict
from civic.core.identity import canonical_email
from civic.core.users import StaffUser
from civic.petitions.models import (
    OfflineSignature,
    Petition,
    PetitionPaperBatch,
    PetitionPaperEntry,
    Signature,
    SignatureState,
    State,
)
from civic.petitions.policy import Policy
from civic.petitions.service_scans import delete_scans_of


@dataclass(frozen=True)
class SignatureFilter:
    email: str = ""
    domain: str = ""
    ip: str = ""
    postcode: str = ""
    since: datetime | None = None
    until: datetime | None = None
    suspect_only: bool = False

    @property
    def empty(self) -> bool:
        return not (self.email or self.domain or self.ip or self.postcode or self.since or self.until) and (
            not self.suspect_only
        )

    def describe(self) -> str:
        parts = [f"{k}={v}" for k, v in vars(self).items() if v]
        return ", ".join(parts) or "all signatures"

    def clauses(self, petition_id: int) -> list[Any]:
        where: list[Any] = [
            Signature.petition_id == petition_id,
            Signature.state != SignatureState.INVALIDATED,
        ]
        if self.email:
            where.append(Signature.email_canonical == canonical_email(self.email))
        if self.domain:
            where.append(col(Signature.email_canonical).like(f"%@{self.domain.lower().lstrip('@')}"))
        if self.ip:
            where.append(Signature.ip_address == self.ip)
        if self.postcode:
            where.append(Signature.postcode == self.postcode)
        if self.since:
            where.append(col(Signature.created_at) >= self.since)
        if self.until:
            where.append(col(Signature.created_at) < self.until)
        if self.suspect_only:
            where.append(col(Signature.suspect).is_(True))
        return where


async def search(
    session: AsyncSession, petition_id: int, where: SignatureFilter, *, limit: int = 50
) -> tuple[int, list[Signature]]:
    clauses = where.clauses(petition_id)
    total = (await session.exec(select(func.count()).select_from(Signature).where(*clauses))).one()
    rows = await session.exec(
        select(Signature).where(*clauses).order_by(col(Signature.id).desc()).limit(limit)
    )
    return int(total), list(rows.all())


async def invalidate(
    session: AsyncSession,
    petition: Petition,
    where: SignatureFilter,
    *,
    expected: int,
    reason: str,
    actor: StaffUser,
    now: datetime,
) -> int:
    """Invalidate every match, but only if the moderator saw the same number of matches."""
    if where.empty:
        raise Conflict("Search for something first: invalidating every signature at once is not allowed.")
    count, _ = await search(session, row_id(petition), where, limit=0)
    if count != expected:
        raise Conflict(f"The search now matches {count} signatures, not {expected}. Check them again.")
    result = await session.exec(
        update(Signature)
        .where(*where.clauses(row_id(petition)))
        .values(state=SignatureState.INVALIDATED, invalidated_at=now, invalidation_reason=reason[:500])
    )
    await record(
        session, actor=actor, action="petitions.invalidate_signatures", object_type="petition",
        object_id=row_id(petition), now=now, reason=f"{count} signatures ({where.describe()}): {reason}",
        names_person=True,  # the filter may name an email address, a domain or an IP address
    )  # fmt: skip
    return int(result.rowcount or 0)


ENDED_STATES = (State.CLOSED, State.REJECTED, State.HIDDEN, State.REMOVED)


async def anonymise_due(session: AsyncSession, *, now: datetime, policy: Policy) -> int:
    """Remove signers' names, emails, postcodes and IP addresses a while after a petition ends;
    ward codes and counts stay for the public record."""
    cutoff = now - policy.anonymise_after
    ended = func.coalesce(Petition.closed_at, Petition.removed_at, Petition.rejected_at)
    rows = await session.exec(
        select(Petition)
        .where(col(Petition.state).in_(ENDED_STATES))
        .where(col(Petition.anonymised_at).is_(None))
        .where(ended < cutoff)
        .limit(50)
    )
    done = 0
    for petition in rows.all():
        await session.exec(
            update(Signature)
            .where(col(Signature.petition_id) == petition.id)
            .values(
                name="",
                email="",
                postcode="",
                ip_address="",
                # Still unique per petition, but no longer anybody's address.
                email_canonical=literal("anonymised-").concat(cast(Signature.id, String)),
                anonymised_at=now,
            )
        )
        await _anonymise_offline(session, petition_id=row_id(petition))
        petition.creator_name, petition.creator_email, petition.anonymised_at = "", "", now
        session.add(petition)
        await record(
            session, actor=None, action="petitions.anonymise", object_type="petition",
            object_id=petition.id, now=now, reason="signers' personal data removed",
        )  # fmt: skip
        done += 1
    await session.flush()
    return done


async def _anonymise_offline(session: AsyncSession, *, petition_id: int) -> None:
    """Paper and assisted signatures, the typed lines of the paper sheets and the sheets' scans follow
    the online signatures: names and postcodes go, the counted outcome and ward stay."""
    await session.exec(
        update(OfflineSignature)
        .where(col(OfflineSignature.petition_id) == petition_id)
        .values(name="", name_key="", postcode="", match_note="")
    )
    batches = select(PetitionPaperBatch.id).where(col(PetitionPaperBatch.petition_id) == petition_id)
    await session.exec(
        update(PetitionPaperEntry).where(col(PetitionPaperEntry.batch_id).in_(batches)).values(lines="")
    )
    # A scan shows the same names and addresses, and cannot be blanked a field at a time: it goes.
    await delete_scans_of(session, petition_id)
