"""Assisted digital: a member of staff signs a petition for a resident who asks, with the resident's
consent recorded and no email. The resident gets a reference instead. Each staff member's entries are
rate-limited and audited, and the same checks as paper apply (postcode, one person once)."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core import audit
from civic.core.db import row_id
from civic.core.ratelimit import Limit, enforce
from civic.core.users import StaffUser
from civic.petitions.models import Channel, OfflineSignature, Petition
from civic.petitions.service_matching import Line, check_lines

# No 0/O or 1/I/L: the reference is read out over the phone.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    return "A" + "".join(secrets.choice(ALPHABET) for _ in range(7))


async def sign_assisted(
    session: AsyncSession,
    petition: Petition,
    *,
    name: str,
    postcode: str,
    declared: bool,
    actor: StaffUser,
    limit: Limit,
    now: datetime,
) -> OfflineSignature:
    """Record the resident's signature (consent is checked by the form). Over the staff member's
    limit this is a 429 and nothing is stored."""
    await enforce(session, f"petitions.assisted|{actor.id}", [limit], now=now)
    reference = new_reference()
    line = Line(0, 0, " ".join(name.split()), postcode, declared)
    await check_lines(
        session, row_id(petition), [line], channel=Channel.ASSISTED, actor=actor, now=now,
        reference=reference,
    )  # fmt: skip
    row = (await session.exec(select(OfflineSignature).where(OfflineSignature.reference == reference))).one()
    await audit.record(
        session, actor=actor, action="petitions.assisted_signed", object_type="petition_offline_signature",
        object_id=row.id, now=now, reason=f"petition {petition.id}, reference {reference}: {row.outcome.value}, consent given",
    )  # fmt: skip
    return row


async def assisted_of(session: AsyncSession, petition_id: int) -> list[OfflineSignature]:
    """Every assisted signature of a petition, newest first, for the moderators' review."""
    rows = await session.exec(
        select(OfflineSignature)
        .where(OfflineSignature.petition_id == petition_id, OfflineSignature.channel == Channel.ASSISTED)
        .order_by(col(OfflineSignature.id).desc())
    )
    return list(rows.all())
