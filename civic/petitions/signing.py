"""Signing and confirming. One signature per person per petition holds under any concurrency because
of the unique (petition, canonical email) constraint and an INSERT ... ON CONFLICT DO NOTHING; the
petition row itself is never written when someone signs, so a popular petition is never a hot row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.db import dialect_name, run_sql
from civic.core.outbox import Mail
from civic.core.ratelimit import hit
from civic.petitions.models import (
    PUBLISHED_STATES,
    SIGNABLE_STATES,
    Petition,
    Signature,
    SignatureState,
    State,
)
from civic.petitions.policy import Policy
from civic.petitions.service import after_confirmation, confirm_token, get_petition


@dataclass(frozen=True)
class SignatureInput:
    name: str
    email: str
    canonical: str
    postcode: str
    ward_code: str
    notify: bool


async def sign(
    session: AsyncSession,
    petition: Petition,
    data: SignatureInput,
    *,
    ip: str,
    now: datetime,
    policy: Policy,
    mail: Mail,
) -> bool:
    """Store a pending signature and email its confirmation link. A second attempt for the same person
    stores nothing and emails "you have already signed" instead; the caller shows the same page either
    way. Returns whether a new signature was stored."""
    assert petition.id is not None
    verdict = await hit(session, f"petitions:sign:{petition.id}:{ip}", list(policy.sign_limits), now=now)
    table = Signature.__table__  # type: ignore[attr-defined]
    insert = pg_insert if await dialect_name(session) == "postgresql" else sqlite_insert
    statement = (
        insert(table)
        .values(
            petition_id=petition.id,
            name=data.name,
            email=data.email,
            email_canonical=data.canonical,
            postcode=data.postcode,
            ward_code=data.ward_code,
            notify=data.notify,
            state=SignatureState.PENDING.value,
            suspect=not verdict.allowed,
            is_creator=False,
            ip_address=ip[:45],
            created_at=now,
            invalidation_reason="",
        )
        .on_conflict_do_nothing(index_elements=["petition_id", "email_canonical"])
        .returning(table.c.id)
    )
    new_id = (await run_sql(session, statement)).scalar()
    if new_id is not None:
        await mail.enqueue(
            session,
            to=data.email,
            template="petitions_confirm_signature",
            context={"petition": petition, "name": data.name, "token": confirm_token(policy, new_id, now)},
            now=now,
        )
        return True
    await _already_signed(session, petition, data, now=now, policy=policy, mail=mail)
    return False


async def _already_signed(
    session: AsyncSession,
    petition: Petition,
    data: SignatureInput,
    *,
    now: datetime,
    policy: Policy,
    mail: Mail,
) -> None:
    existing = (
        await session.exec(
            select(Signature)
            .where(Signature.petition_id == petition.id)
            .where(Signature.email_canonical == data.canonical)
        )
    ).first()
    if existing is None or existing.id is None:
        return
    pending = existing.state == SignatureState.PENDING
    await mail.enqueue(
        session,
        to=data.email,
        template="petitions_already_signed",
        context={
            "petition": petition,
            "pending": pending,
            "token": confirm_token(policy, existing.id, now) if pending else "",
        },
        now=now,
        # At most one such email per signature per day, so the form cannot be used to flood a mailbox.
        dedupe_key=f"petitions:already:{existing.id}:{now:%Y-%m-%d}",
    )


@dataclass(frozen=True)
class Confirmation:
    outcome: str  # "confirmed", "already", "invalidated", "closed"
    petition: Petition
    signature: Signature


def confirmable(petition: Petition, *, now: datetime, policy: Policy) -> bool:
    """Signatures may be confirmed while the petition is signable, and for a grace period after it
    closes (whether or not the closing job has run yet)."""
    if petition.state in SIGNABLE_STATES | {State.PENDING} and (
        petition.closes_at is None or now < petition.closes_at + policy.confirm_grace
    ):
        return True
    ended = petition.closed_at or petition.closes_at
    return petition.state in PUBLISHED_STATES and ended is not None and now < ended + policy.confirm_grace


async def confirm(
    session: AsyncSession, signature_id: int, *, now: datetime, policy: Policy, mail: Mail
) -> Confirmation | None:
    """Validate a pending signature once; later uses of the same link change nothing."""
    signature = await session.get(Signature, signature_id)
    if signature is None:
        return None
    petition = await session.get(Petition, signature.petition_id)
    assert petition is not None
    if signature.state == SignatureState.VALIDATED:
        return Confirmation("already", petition, signature)
    if signature.state == SignatureState.INVALIDATED:
        return Confirmation("invalidated", petition, signature)
    if not confirmable(petition, now=now, policy=policy):
        return Confirmation("closed", petition, signature)
    result = await session.exec(
        update(Signature)
        .where(col(Signature.id) == signature_id)
        .where(col(Signature.state) == SignatureState.PENDING)
        .values(state=SignatureState.VALIDATED, validated_at=now)
    )
    if not result.rowcount:
        return Confirmation("already", petition, signature)
    signature.state, signature.validated_at = SignatureState.VALIDATED, now
    if petition.state in {State.PENDING, State.COLLECTING}:
        # Only tiny, pre-moderation petitions are locked, to move them on exactly once.
        locked = await get_petition(session, petition.id or 0, for_update=True)
        assert locked is not None
        petition = locked
        await after_confirmation(session, petition, signature, now=now, policy=policy, mail=mail)
    return Confirmation("confirmed", petition, signature)
