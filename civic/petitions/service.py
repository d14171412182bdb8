"""The petition lifecycle. Every change of state goes through `transition()`, which refuses moves the
state machine does not allow (409 with the reason) and writes an audit entry for each one it makes."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.config import Settings
from civic.core.audit import actor_label, record
from civic.core.db import row_id
from civic.core.errors import Conflict
from civic.core.outbox import Mail
from civic.core.tokens import make_token
from civic.core.users import StaffUser
from civic.petitions.models import (
    REASONS_BY_CODE,
    TRANSITIONS,
    Petition,
    Signature,
    SignatureState,
    State,
)
from civic.petitions.policy import Policy

log = logging.getLogger("civic.petitions")
MODERATION_LOCK = timedelta(minutes=15)
PUBLIC_STATES = frozenset({State.OPEN, State.CLOSED, State.REJECTED, State.REMOVED})


def _stamp_moderation(petition: Petition, now: datetime, policy: Policy) -> None:
    petition.moderation_entered_at = now
    petition.flagged = False
    petition.moderation_lock_by = petition.moderation_lock_until = None


def _stamp_open(petition: Petition, now: datetime, policy: Policy) -> None:
    petition.opened_at = now
    petition.closes_at = now + policy.open_for
    # Recorded now, so a later change of policy does not move this petition's goals.
    petition.response_threshold = policy.response_threshold
    petition.debate_threshold = policy.debate_threshold
    petition.moderation_lock_by = petition.moderation_lock_until = None


def _stamp_rejected(petition: Petition, now: datetime, policy: Policy) -> None:
    petition.rejected_at = now
    petition.rejection_count += 1
    petition.moderation_lock_by = petition.moderation_lock_until = None


def _stamp_closed(petition: Petition, now: datetime, policy: Policy) -> None:
    petition.closed_at = now


def _stamp_removed(petition: Petition, now: datetime, policy: Policy) -> None:
    petition.removed_at = now


STAMPS: dict[State, Callable[[Petition, datetime, Policy], None]] = {
    State.MODERATION: _stamp_moderation,
    State.OPEN: _stamp_open,
    State.REJECTED: _stamp_rejected,
    State.HIDDEN: _stamp_rejected,
    State.CLOSED: _stamp_closed,
    State.REMOVED: _stamp_removed,
}


def refusal(petition: Petition, to: State) -> str | None:
    """Why `petition` cannot move to `to`, or None when it can."""
    if to in TRANSITIONS[petition.state]:
        if petition.state == State.REJECTED and to == State.MODERATION and petition.rejection_count > 1:
            return "This petition has already been resubmitted once, so it cannot be resubmitted again."
        return None
    return f"This petition is {petition.state.label}, so it cannot become {to.label}."


async def transition(
    session: AsyncSession,
    petition: Petition,
    to: State,
    *,
    actor: StaffUser | None,
    now: datetime,
    policy: Policy,
    reason: str = "",
) -> None:
    """The one way a petition changes state: checked, stamped, flushed and audited."""
    problem = refusal(petition, to)
    if problem:
        # The request's transaction rolls back with this 409, so the refusal goes to the log; only
        # changes that happen are in the audit chain.
        log.warning(
            "refused petitions.%s on petition %s (%s) by %s: %s",
            to.value, petition.id, petition.state.value, actor_label(actor), problem,
        )  # fmt: skip
        raise Conflict(problem)
    previous = petition.state
    petition.state = to
    petition.updated_at = now
    stamp = STAMPS.get(to)
    if stamp is not None:
        stamp(petition, now, policy)
    session.add(petition)
    await session.flush()
    await record(
        session,
        actor=actor,
        action=f"petitions.{to.value}",
        object_type="petition",
        object_id=petition.id,
        now=now,
        reason=reason or f"{previous.value} -> {to.value}",
        public=to in PUBLIC_STATES,
    )


async def get_petition(
    session: AsyncSession, petition_id: int, *, for_update: bool = False
) -> Petition | None:
    if for_update:
        rows = await session.exec(
            select(Petition)
            .where(col(Petition.id) == petition_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return rows.first()
    return await session.get(Petition, petition_id)


@dataclass(frozen=True)
class Draft:
    action: str
    background: str
    additional_details: str
    name: str
    email: str
    postcode: str
    ward_code: str


def confirm_token(policy: Policy, signature_id: int, now: datetime) -> str:
    return make_token(
        policy.secret, "petitions.confirm", str(signature_id), expires=now + policy.confirm_link
    )


def resubmit_token(policy: Policy, petition_id: int, now: datetime) -> str:
    return make_token(policy.secret, "petitions.resubmit", str(petition_id), expires=now + timedelta(days=28))


async def create_petition(
    session: AsyncSession,
    draft: Draft,
    *,
    canonical: str,
    ip: str,
    now: datetime,
    policy: Policy,
    mail: Mail,
    lang: str = "en",
) -> Petition:
    """A new petition waits for its creator to confirm their email; the creator's own signature
    carries that confirmation. `lang` is the creator's language, kept for every email to them."""
    petition = Petition(
        action=draft.action,
        background=draft.background,
        additional_details=draft.additional_details,
        creator_name=draft.name,
        creator_email=draft.email,
        creator_key=secrets.token_urlsafe(24),
        created_at=now,
        updated_at=now,
        lang=lang,  # the language the petitioner wrote it in: other languages get versions
    )
    session.add(petition)
    await session.flush()
    signature = Signature(
        petition_id=row_id(petition),
        name=draft.name,
        email=draft.email,
        email_canonical=canonical,
        postcode=draft.postcode,
        ward_code=draft.ward_code,
        notify=True,
        is_creator=True,
        ip_address=ip,
        created_at=now,
        lang=lang,
    )
    session.add(signature)
    await session.flush()
    await mail.enqueue(
        session,
        to=draft.email,
        template="petitions_confirm_creator",
        context={"petition": petition, "token": confirm_token(policy, row_id(signature), now)},
        now=now,
        dedupe_key=f"petitions:creator:{row_id(petition)}",
        lang=lang,
    )
    return petition


async def creator_lang(session: AsyncSession, petition_id: int) -> str:
    """The language the creator used (their own signature keeps it): emails to them are in it."""
    rows = await session.exec(
        select(Signature.lang).where(
            Signature.petition_id == petition_id, col(Signature.is_creator).is_(True)
        )
    )
    return rows.first() or "en"


async def supporters_count(session: AsyncSession, petition_id: int) -> int:
    rows = await session.exec(
        select(col(Signature.id))
        .where(Signature.petition_id == petition_id)
        .where(Signature.state == SignatureState.VALIDATED)
        .where(col(Signature.is_creator).is_(False))
        .where(col(Signature.suspect).is_(False))
    )
    return len(rows.all())


async def after_confirmation(
    session: AsyncSession,
    petition: Petition,
    signature: Signature,
    *,
    now: datetime,
    policy: Policy,
    mail: Mail,
) -> None:
    """A creator's confirmation starts supporter collection; enough supporters start moderation."""
    if signature.is_creator and petition.state == State.PENDING:
        await transition(session, petition, State.COLLECTING, actor=None, now=now, policy=policy)
        await mail.enqueue(
            session,
            to=petition.creator_email,
            template="petitions_supporters",
            context={"petition": petition, "needed": policy.supporters_needed},
            now=now,
            dedupe_key=f"petitions:supporters:{petition.id}",
            lang=signature.lang,
        )
    elif (
        petition.state == State.COLLECTING
        and not signature.is_creator
        and await supporters_count(session, row_id(petition)) >= policy.supporters_needed
    ):
        await transition(session, petition, State.MODERATION, actor=None, now=now, policy=policy)
        await mail.enqueue(
            session,
            to=petition.creator_email,
            template="petitions_in_moderation",
            context={"petition": petition},
            now=now,
            dedupe_key=f"petitions:in-moderation:{petition.id}:{petition.rejection_count}",
            lang=await creator_lang(session, row_id(petition)),
        )


async def take_moderation_lock(
    session: AsyncSession, petition: Petition, actor: StaffUser, *, now: datetime
) -> bool:
    """One moderator at a time: the first to open a petition holds it for a while."""
    held = petition.moderation_lock_until is not None and petition.moderation_lock_until > now
    if held and petition.moderation_lock_by != actor.id:
        return False
    petition.moderation_lock_by, petition.moderation_lock_until = actor.id, now + MODERATION_LOCK
    session.add(petition)
    await session.flush()
    return True


async def moderate(
    session: AsyncSession,
    petition: Petition,
    *,
    actor: StaffUser,
    decision: str,
    reason_code: str,
    details: str,
    now: datetime,
    policy: Policy,
    mail: Mail,
    settings: Settings,
) -> None:
    """Approve, reject (with a reason from the table) or flag for a second opinion."""
    if decision == "flag":
        if petition.state != State.MODERATION:
            raise Conflict(f"This petition is {petition.state.label}, so it cannot be flagged.")
        petition.flagged = True
        petition.moderation_lock_by = petition.moderation_lock_until = None
        session.add(petition)
        await record(
            session, actor=actor, action="petitions.flag", object_type="petition",
            object_id=petition.id, now=now, reason=details,
        )  # fmt: skip
        return
    if decision == "approve":
        await transition(session, petition, State.OPEN, actor=actor, now=now, policy=policy)
        template = "petitions_approved"
    else:
        reason = REASONS_BY_CODE[reason_code]
        petition.rejection_code, petition.rejection_details = reason.code, details
        target = State.HIDDEN if reason.hidden else State.REJECTED
        await transition(
            session,
            petition,
            target,
            actor=actor,
            now=now,
            policy=policy,
            reason=f"{reason.label}: {details}",
        )
        template = "petitions_rejected"
    can_resubmit = petition.state == State.REJECTED and petition.rejection_count == 1
    token = resubmit_token(policy, row_id(petition), now) if can_resubmit else ""
    await mail.enqueue(
        session,
        to=petition.creator_email,
        template=template,
        context={"petition": petition, "reason": REASONS_BY_CODE.get(reason_code), "resubmit_token": token},
        now=now,
        dedupe_key=f"petitions:outcome:{petition.id}:{petition.state.value}:{petition.rejection_count}",
        lang=await creator_lang(session, row_id(petition)),
    )


async def resubmit(
    session: AsyncSession,
    petition: Petition,
    *,
    action: str,
    background: str,
    additional_details: str,
    now: datetime,
    policy: Policy,
) -> None:
    problem = refusal(petition, State.MODERATION)
    if problem:
        raise Conflict(problem)
    petition.action, petition.background = action, background
    petition.additional_details = additional_details
    await transition(
        session,
        petition,
        State.MODERATION,
        actor=None,
        now=now,
        policy=policy,
        reason="edited and resubmitted",
    )


async def close_due(session: AsyncSession, *, now: datetime, policy: Policy) -> int:
    rows = await session.exec(
        select(Petition).where(Petition.state == State.OPEN).where(col(Petition.closes_at) <= now)
    )
    closed = 0
    for petition in rows.all():
        await transition(session, petition, State.CLOSED, actor=None, now=now, policy=policy)
        closed += 1
    return closed


def is_overdue(petition: Petition, policy: Policy, now: datetime) -> bool:
    entered = petition.moderation_entered_at
    return (
        petition.state == State.MODERATION
        and entered is not None
        and now - entered > policy.moderation_overdue
    )


async def moderation_queue(session: AsyncSession) -> list[Petition]:
    rows = await session.exec(
        select(Petition)
        .where(Petition.state == State.MODERATION)
        .order_by(col(Petition.moderation_entered_at), col(Petition.id))
    )
    return list(rows.all())
