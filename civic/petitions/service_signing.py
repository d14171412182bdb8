"""Signing and confirming. One signature per person per petition holds under any concurrency because
of the unique (petition, canonical email) constraint and an INSERT ... ON CONFLICT DO NOTHING (see
service_batching.py); the petition row itself is never written when someone signs, so a popular petition is
never a hot row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.db import row_id
from civic.core.outbox import Mail
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
from civic.petitions.service_batching import SignRequest, sign_many
from civic.petitions.service_matching import supersede_by_online


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
    return (await confirm_many(session, [signature_id], now=now, policy=policy, mail=mail))[0]


async def confirm_many(
    session: AsyncSession, signature_ids: list[int], *, now: datetime, policy: Policy, mail: Mail
) -> list[Confirmation | None]:
    """Confirm a batch in one transaction: one read of the signatures and their petitions and one
    UPDATE ... WHERE state = 'pending', so each signature is validated at most once whatever repeats."""
    found = await session.exec(select(Signature).where(col(Signature.id).in_(set(signature_ids))))
    signatures = {s.id: s for s in found.all()}
    petition_ids = {s.petition_id for s in signatures.values()}
    petitions = {
        p.id: p
        for p in (await session.exec(select(Petition).where(col(Petition.id).in_(petition_ids)))).all()
    }
    outcomes: list[tuple[str, Signature, Petition] | None] = []
    to_validate: set[int] = set()
    for signature_id in signature_ids:
        signature = signatures.get(signature_id)
        if signature is None:
            outcomes.append(None)
            continue
        petition = petitions[signature.petition_id]
        if signature.state == SignatureState.VALIDATED or signature_id in to_validate:
            outcome = "already"
        elif signature.state == SignatureState.INVALIDATED:
            outcome = "invalidated"
        elif not confirmable(petition, now=now, policy=policy):
            outcome = "closed"
        else:
            outcome = "confirmed"
            to_validate.add(signature_id)
        outcomes.append((outcome, signature, petition))
    if to_validate:
        await session.exec(
            update(Signature)
            .where(col(Signature.id).in_(to_validate))
            .where(col(Signature.state) == SignatureState.PENDING)
            .values(state=SignatureState.VALIDATED, validated_at=now)
        )
        await supersede_by_online(session, [signatures[i] for i in to_validate], now=now)
    results: list[Confirmation | None] = []
    locked: dict[int, Petition] = {}
    for item in outcomes:
        if item is None:
            results.append(None)
            continue
        outcome, signature, petition = item
        if outcome == "confirmed":
            signature.state, signature.validated_at = SignatureState.VALIDATED, now
            if petition.state in {State.PENDING, State.COLLECTING} or petition.id in locked:
                petition = await _move_on(session, petition, signature, locked, now, policy, mail)
        results.append(Confirmation(outcome, petition, signature))
    return results


async def _move_on(
    session: AsyncSession,
    petition: Petition,
    signature: Signature,
    locked: dict[int, Petition],
    now: datetime,
    policy: Policy,
    mail: Mail,
) -> Petition:
    """Only tiny, pre-moderation petitions are locked (once per batch), to move them on exactly once."""
    held = locked.get(row_id(petition))
    if held is None:
        held = await get_petition(session, row_id(petition), for_update=True)
        assert held is not None
        locked[row_id(petition)] = held
    await after_confirmation(session, held, signature, now=now, policy=policy, mail=mail)
    return held
