"""Signing and confirming. One signature per person per petition holds under any concurrency because
of the unique (petition, canonical email) constraint and an INSERT ... ON CONFLICT DO NOTHING (see
batching.py); the petition row itself is never written when someone signs, so a popular petition is
never a hot row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, update
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.outbox import Mail
from civic.petitions.batching import SignRequest, sign_many
from civic.petitions.models import (
    PUBLISHED_STATES,
    SIGNABLE_STATES,
    Petition,
    Signature,
    SignatureState,
    State,
)
from civic.petitions.policy import Policy
from civic.petitions.service import after_confirmation, get_petition


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
    way. Returns whether a new signature was stored. (Web requests go through SignBatcher, which does
    the same for many requests in one transaction.)"""
    request = SignRequest(petition=petition, ip=ip, **vars(data))
    return (await sign_many(session, [request], now=now, policy=policy, mail=mail))[0]


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
